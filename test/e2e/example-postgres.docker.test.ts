/**
 * examples/postgres on a real Docker engine, through the built CLI as its
 * README runs it: PostgreSQL 15 from Debian (the package image is built by
 * debootstrap on first use, about three minutes) is valid under SERIALIZABLE
 * while its server is killed, paused and cut off from the relays; under
 * REPEATABLE READ the checker finds write skew (G2-item), rules serializable
 * out and snapshot isolation not, and a re-check against snapshot isolation
 * passes.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { engine, latestRun, leftovers } from './docker-helpers.js'
import { dstest, requireBuild, tempDir } from './helpers.js'

const TARGET = 'examples/postgres/target.ts'

describe.skipIf(!engine)(`examples/postgres on Docker${engine ? '' : ' (skipped: no Docker engine answers `docker info`)'}`, () => {
  beforeAll(() => requireBuild())

  it('is valid under SERIALIZABLE with kill, pause and partition; REPEATABLE READ shows G2-item, valid for snapshot isolation', () => {
    const store = tempDir()
    const run = (...flags: string[]) =>
      dstest(['run', '--target', TARGET, '--nodes', '2', '--seed', '1', '--reporter', 'line', '--store', store, ...flags], { timeoutMs: 600_000 })

    const valid = run('--time-limit', '15', '--nemesis', 'kill,pause,partition', '--nemesis-targets', 'primaries', '--partition', 'primaries', '--nemesis-interval', '3')
    expect(valid.stderr).toBe('')
    expect(valid.stdout).toMatch(/nemesis ok (kill|pause|start-partition)/)
    expect(valid.stdout).toMatch(/list-append: VALID - list-append history consistent with strict-serializable/)
    expect(valid.stdout).toMatch(/verdict: VALID \(exit 0\)/)
    expect(valid.code).toBe(0)
    expect(leftovers(store)).toEqual([])

    const skew = run('--time-limit', '10', '--config', 'examples/postgres/repeatable-read.json')
    expect(skew.stdout).toMatch(/list-append: INVALID - G2-item/)
    expect(skew.code).toBe(1)
    expect(leftovers(store)).toEqual([])
    const why = dstest(['check', latestRun(store), '--checker', 'list-append'])
    // 'ruled out: repeatable-read (and so also serializable, strict-serializable, ...)'
    const ruledOut = (/^ruled out: (.*)$/m.exec(why.stdout)?.[1] ?? '').replace('and so also', '').split(/[\s,()]+/)
    expect(why.stdout).toMatch(/^anomalies: G2-item/m)
    expect(ruledOut).toContain('serializable')
    expect(ruledOut).not.toContain('snapshot-isolation')
    const si = dstest(['check', latestRun(store), '--checker', 'list-append', '--consistency-models', 'snapshot-isolation'])
    expect(si.stdout).toMatch(/verdict: VALID \(exit 0\)/)
    expect(si.code).toBe(0)
  }, 900_000)
})
