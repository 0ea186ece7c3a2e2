/**
 * The transactional workloads on the bundled targets, through the built CLI
 * against a real Docker engine: list-append on the correct raft-kv under
 * partitions and kills and on the correct chain-kv under partitions (valid,
 * exit 0), rw-register on the correct raft-kv under partitions (valid: the
 * checker finds an order of its blind writes), and raft-kv's txn-local-read
 * bug caught under partitions (exit 1, the anomaly named). None leaves a container or network behind. The longer
 * runs behind the README's table ("transactional workloads on the bundled
 * targets") are the same command with --time-limit 60 and seeds 1-5.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, requireBuild, tempDir } from './helpers.js'
import { engine, leftovers, results } from './docker-helpers.js'

function run(target: string, args: string[], workload = 'list-append'): { code: number | null; out: string; store: string } {
  const store = tempDir()
  const r = dstest(['run', '--target', target, '--workload', workload, '--nemesis-interval', '4', '--time-limit', '20', '--seed', '1', '--store', store, ...args], { timeoutMs: 240_000 })
  return { code: r.code, out: r.stdout + r.stderr, store }
}

const correct = [
  { target: 'raft-kv', nemesis: 'partition,kill' },
  { target: 'chain-kv', nemesis: 'partition' },
]

describe.skipIf(!engine)(`list-append and rw-register on the bundled targets, on Docker${engine ? '' : ' (skipped: no Docker engine answers `docker info`)'}`, () => {
  beforeAll(() => requireBuild())

  it.each(correct)('the correct $target under $nemesis is strict serializable (exit 0)', ({ target, nemesis }) => {
    const r = run(target, ['--nemesis', nemesis])
    expect(r.out).toMatch(/\n {2}list-append: VALID - list-append history consistent with strict-serializable \((\d+) ok/)
    // Transactions were answered, not all refused.
    expect(Number(/consistent with strict-serializable \((\d+) ok/.exec(r.out)?.[1])).toBeGreaterThan(0)
    expect(r.out).toMatch(/verdict: VALID \(exit 0\)/)
    expect(r.code).toBe(0)
    expect(results(r.store).checkers['list-append']?.valid).toBe(true)
    expect(leftovers(r.store)).toEqual([])
  }, 300_000)

  it('rw-register on the correct raft-kv under partitions is strict serializable (exit 0), not undecided', () => {
    const r = run('raft-kv', ['--nemesis', 'partition'], 'rw-register')
    expect(r.out).toMatch(/\n {2}rw-register: VALID - rw-register history consistent with strict-serializable \((\d+) ok/)
    expect(Number(/consistent with strict-serializable \((\d+) ok/.exec(r.out)?.[1])).toBeGreaterThan(0)
    expect(r.code).toBe(0)
    expect(results(r.store).checkers['rw-register']?.valid).toBe(true)
    expect(leftovers(r.store)).toEqual([])
  }, 300_000)

  it('raft-kv --bug txn-local-read under partitions: a transactional anomaly, named (exit 1)', () => {
    const r = run('raft-kv', ['--bug', 'txn-local-read', '--nemesis', 'partition'])
    expect(r.out).toMatch(/\n {2}list-append: INVALID - [^\n]*\bG-single[^\n]*\(forbidden by strict-serializable\): not [^\n]*\n/)
    expect(r.code).toBe(1)
    expect(results(r.store).checkers['list-append']?.valid).toBe(false)
    expect(leftovers(r.store)).toEqual([])
  }, 300_000)
})
