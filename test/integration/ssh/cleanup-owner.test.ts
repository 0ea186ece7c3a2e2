/**
 * The owner rule of `dstest cleanup` on SSH hosts, on a bed of two sshd
 * hosts: a run's folder records its owner; a bare `dstest cleanup --runtime
 * ssh` removes what a killed run left and keeps a run whose dstest still
 * runs (this test's own process owns it) and a run that records no owner,
 * each with its reason; `--run ID` removes one of those.
 */
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Cluster } from '../../../control/remote.js'
import { parseSpec } from '../../../core/spec.js'
import { chainName } from '../../../control/ssh/run-marks.js'
import { sshRuntime } from '../../../run/runtimes.js'
import { BIN, dstest, requireBuild, tempDir } from '../../e2e/helpers.js'
import { bedDown, bedUp, describeBed, leftoversOnBed, loginFlags, onHost, userOf, type Bed } from './helpers.js'

let bed: Bed | undefined
let ours: Cluster | undefined
const need = (): Bed => {
  if (!bed) throw new Error('the bed is not up')
  return bed
}

function waitFor(condition: () => boolean, why: () => string, ms = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      clearInterval(poll)
      reject(new Error(why()))
    }, ms)
    const poll = setInterval(() => {
      if (condition()) {
        clearInterval(poll)
        clearTimeout(deadline)
        resolve()
      }
    }, 50)
  })
}

describeBed('dstest cleanup --runtime ssh follows the owner rule', () => {
  beforeAll(() => {
    requireBuild()
    bed = bedUp('owner', 2)
  })
  afterAll(async () => {
    await ours?.destroy().catch(() => undefined)
    bedDown(bed)
  })

  it('a bare cleanup removes the killed run only; a running run and an ownerless one are kept with the reason until named', async () => {
    const b = need()
    // A run whose dstest is then killed: its folders (and processes, if it started any) stay on the hosts.
    const child = spawn(process.execPath, [BIN, 'run', ...loginFlags(b), '--target', 'raft-kv', '--nodes', '2', '--time-limit', '300', '--reporter', 'line', '--store', tempDir()], {
      env: { ...process.env, ...userOf(b) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    let gone = false
    const exited = new Promise((resolve) => child.on('exit', resolve)).then(() => (gone = true))
    // Its cluster is made (the run's folder is on the hosts) once the target's set-up starts.
    await waitFor(() => /^setup$/m.test(out) || gone, () => `the run did not reach its set-up:\n${out}`)
    expect(gone, out).toBe(false)
    const killed = /^dstest: \S+ run=(\S+) /m.exec(out)?.[1]
    expect(killed).toBeDefined()
    child.kill('SIGKILL')
    await exited
    expect(leftoversOnBed(b).filter((l) => l.includes(`folder /tmp/dstest-run-${killed}`))).toHaveLength(2)

    // A run this process owns, still up.
    const runtime = await sshRuntime(parseSpec({ nodesFile: b.nodesFile, sshKey: b.key, knownHosts: b.knownHosts }))
    const mine = `it-owner-${process.pid}`
    ours = await runtime.createCluster({ runId: mine, nodes: 2 })
    // A run made by a dstest that recorded no owner.
    const old = `it-ownerless-${process.pid}`
    onHost(b.hosts[0]!.container, `mkdir -p /tmp/dstest-run-${old}/dstest && echo ${old} > /tmp/dstest-run-${old}/dstest/run-id`)

    const login = ['--runtime', 'ssh', '--nodes-file', b.nodesFile, '--ssh-key', b.key, '--known-hosts', b.knownHosts]
    const r = dstest(['cleanup', ...login], { env: userOf(b) })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    for (const [i, h] of b.hosts.entries()) expect(r.stdout).toContain(`  n${i + 1} (${h.address}:22): folder /tmp/dstest-run-${killed}\n`)
    expect(r.stdout).toContain(`  ${mine}: its dstest (pid ${process.pid}) is still running`)
    expect(r.stdout).toContain(`  ${old}: it records no owner (made by an older dstest)`)
    const left = leftoversOnBed(b)
    expect(left.filter((l) => l.includes(killed!))).toEqual([])
    expect(left.filter((l) => l.includes(chainName(killed!)))).toEqual([])
    expect(left.filter((l) => l.includes(`folder /tmp/dstest-run-${mine}`))).toHaveLength(2)
    expect(left).toContain(`n1: folder /tmp/dstest-run-${old}`)

    const named = dstest(['cleanup', ...login, '--run', old], { env: userOf(b) })
    expect(named.code, named.stderr).toBe(0)
    expect(named.stdout).toContain(`folder /tmp/dstest-run-${old}`)
    expect(leftoversOnBed(b).filter((l) => l.includes(old))).toEqual([])

    await ours.destroy()
    ours = undefined
    expect(leftoversOnBed(b)).toEqual([])
  }, 300_000)
})
