import { expect, it } from 'vitest'
import { doctor, worstStatus } from '../../../control/docker/doctor.js'
import { describeEngine } from './helpers.js'

describeEngine('doctor', () => {
  it('reports every check with a status, and a fix for each that is not ok', async () => {
    const checks = await doctor()
    expect(checks.map((c) => c.name)).toEqual(['engine', 'iptables', 'nsenter', 'netem', 'libfaketime', 'disk', 'base image', 'package images'])
    expect(checks[0]).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^Docker \d/) })
    for (const c of checks) if (c.status !== 'ok') expect(c.fix).toBeTruthy()
    expect(['ok', 'warn']).toContain(worstStatus(checks))
  })

  it('an absent engine fails the engine check with the fix', async () => {
    const checks = await doctor({ socketPath: '/nonexistent.sock' })
    expect(checks[0]).toEqual({ name: 'engine', status: 'fail', detail: 'no Docker engine at /nonexistent.sock', fix: 'start one with `dockerd` (or pass --runtime ssh)' })
    expect(worstStatus(checks)).toBe('fail')
  })
})
