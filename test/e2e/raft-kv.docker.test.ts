/**
 * The built CLI against a real Docker engine with the bundled raft-kv target:
 * the correct system is valid under partitions, a bug mode is caught, and
 * Ctrl-C in the middle of a partition heals, removes everything and exits 130
 * with a readable history.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, dstestSpawn, requireBuild, tempDir } from './helpers.js'
import { engine, latestRun, leftovers, validAndCaughtUnderPartitions } from './docker-helpers.js'

describe.skipIf(!engine)(`raft-kv end to end on Docker${engine ? '' : ' (skipped: no Docker engine answers `docker info`)'}`, () => {
  beforeAll(() => requireBuild())

  validAndCaughtUnderPartitions('raft-kv', { name: 'stale-read', seed: 5 })

  it('Ctrl-C during a partition heals, removes every container and network, and exits 130 with a readable history', async () => {
    const store = tempDir()
    const child = dstestSpawn(['run', '--target', 'raft-kv', '--nemesis', 'partition', '--nemesis-interval', '2', '--time-limit', '120', '--seed', '9', '--store', store])
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no partition started within 90 s:\n${out}`)), 90_000)
      const poll = setInterval(() => {
        if (/nemesis ok start-partition/.test(out)) {
          clearInterval(poll)
          clearTimeout(deadline)
          resolve()
        }
      }, 100)
    })
    // Mid-partition: rules are in place on the nodes right now.
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(leftovers(store)).toEqual([])
    const run = latestRun(store)
    const check = dstest(['check', run])
    // A readable, checkable history of a correct system: never invalid (1), never
    // malformed (3). Unknown (2) is honest only when a few seconds held no
    // successful cas, and the stats line must then say so.
    expect([0, 2], check.stdout + check.stderr).toContain(check.code)
    expect(check.stdout).toMatch(/linearizable: VALID/)
    if (check.code === 2) expect(check.stdout).toMatch(/stats: UNKNOWN - no [a-z, ]*ever succeeded/)
    // The heal after the interrupt is in the history: the last start-partition is followed by a
    // recorded stop (its invocation and its completion), as at the end of a run that was not interrupted.
    const history = readFileSync(join(run, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; process: unknown; f: string })
    const nemesis = history.filter((op) => op.process === 'nemesis')
    const lastStart = nemesis.map((op) => op.f).lastIndexOf('start-partition')
    expect(lastStart).toBeGreaterThanOrEqual(0)
    expect(nemesis.slice(lastStart + 1).map((op) => `${op.type} ${op.f}`)).toEqual(expect.arrayContaining(['invoke stop-partition', 'ok stop-partition']))
    expect(nemesis.at(-1)).toMatchObject({ type: 'ok', f: 'stop-partition' })
    expect(out).toMatch(/^\[\d+\.\ds\] heal$/m)
  }, 200_000)

  it('when the reader of its output goes away mid-run (EPIPE), a Ctrl-C still tears everything down', async () => {
    const store = tempDir()
    const child = dstestSpawn(['run', '--target', 'raft-kv', '--time-limit', '120', '--seed', '2', '--store', store])
    let out = ''
    const onData = (d: Buffer): void => void (out += d.toString())
    child.stdout.on('data', onData)
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`the run did not start within 90 s:\n${out}`)), 90_000)
      const poll = setInterval(() => {
        if (/running/.test(out)) {
          clearInterval(poll)
          clearTimeout(deadline)
          resolve()
        }
      }, 100)
    })
    // Close our ends of its stdout and stderr: its next write fails with EPIPE.
    child.stdout.destroy()
    child.stderr.destroy()
    await new Promise((r) => setTimeout(r, 6000)) // a progress line is written every 5 s
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(leftovers(store)).toEqual([])
    const test = JSON.parse(readFileSync(join(latestRun(store), 'test.json'), 'utf8')) as { finishedAt?: string }
    expect(test.finishedAt).toBeDefined()
  }, 200_000)
})
