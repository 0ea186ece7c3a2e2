/**
 * The classic workloads on the bundled targets, through the built CLI against
 * a real Docker engine: for each workload, one short run of a correct system
 * under faults (valid, exit 0) and one of a bug mode it catches (exit 1,
 * the checker naming what it found), neither leaving a container or network
 * behind. The longer campaign behind the README's tables is bench/matrix.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, requireBuild, tempDir } from './helpers.js'
import { engine, leftovers, results } from './docker-helpers.js'

interface Case {
  workload: string
  target: 'raft-kv' | 'chain-kv'
  args: string[]
  /** Seconds between faults (default 4). */
  interval?: number
}

function run(c: Case, seconds: number): { code: number | null; out: string; store: string } {
  const store = tempDir()
  const args = ['run', '--target', c.target, '--workload', c.workload, '--nemesis-interval', String(c.interval ?? 4), '--time-limit', String(seconds), '--seed', '1', '--store', store, ...c.args]
  const r = dstest(args, { timeoutMs: 240_000 })
  return { code: r.code, out: r.stdout + r.stderr, store }
}

const correct: Case[] = [
  { workload: 'set', target: 'chain-kv', args: ['--nemesis', 'partition'] },
  { workload: 'bank', target: 'raft-kv', args: ['--nemesis', 'partition'] },
  { workload: 'counter', target: 'chain-kv', args: ['--nemesis', 'partition'] },
  { workload: 'unique-ids', target: 'raft-kv', args: ['--nemesis', 'partition'] },
  // Dequeues that time out under the partitions are settled at the end (settle-dequeues), so the
  // checker knows what each took and the correct queue is valid, not unknown (README "Measured").
  { workload: 'queue', target: 'raft-kv', args: ['--nemesis', 'partition'] },
  { workload: 'long-fork', target: 'raft-kv', args: ['--nemesis', 'partition'] },
]

const caught: (Case & { finding: RegExp })[] = [
  // The head must stay cut off long enough for the master to form a new chain while it still takes writes:
  // with faults every 4 s, 2 of 6 runs of 30 s lost elements; every 10 s (as in the README's campaign), 3 of 3.
  { workload: 'set', target: 'chain-kv', args: ['--bug', 'no-fence', '--nemesis', 'partition', '--partition', 'primaries'], interval: 10, finding: /set: INVALID - .*element\(s\) lost/ },
  { workload: 'bank', target: 'raft-kv', args: ['--bug', 'split-transfer', '--nemesis', 'partition'], finding: /bank: INVALID - \d+ read\(s\) with the wrong total/ },
  { workload: 'counter', target: 'raft-kv', args: ['--bug', 'stale-read', '--nemesis', 'partition'], finding: /counter: INVALID - \d+ read\(s\) out of bounds/ },
  // Ids repeat only when the leader is cut off from the majority: cut off the leader each time (a random
  // split leaves it with the majority in about 3 of 5 faults, and one 30 s run at load 5-11 had none).
  { workload: 'unique-ids', target: 'raft-kv', args: ['--bug', 'local-ids', '--nemesis', 'partition', '--partition', 'primaries'], finding: /unique-ids: INVALID - \d+ id\(s\) returned more than once/ },
  { workload: 'queue', target: 'raft-kv', args: ['--bug', 'early-dequeue', '--nemesis', 'partition'], finding: /queue: INVALID - .*value\(s\) dequeued more than once/ },
  // No long-fork case: raft-kv's torn-read was caught in 1 of 3 campaign runs (README "Measured") and
  // missed in a CI rehearsal, so CI cannot rely on it; the long-fork checker's caught case on every
  // CI run is the memory target's long-fork bug (test/e2e/classic-run.test.ts).
]

describe.skipIf(!engine)(`the classic workloads on the bundled targets, on Docker${engine ? '' : ' (skipped: no Docker engine answers `docker info`)'}`, () => {
  beforeAll(() => requireBuild())

  it.each(correct)('$workload on the correct $target under $args.1 faults is valid (exit 0)', (c) => {
    const r = run(c, 20)
    expect(r.out).toMatch(new RegExp(`\\n  ${c.workload}: VALID`))
    expect(r.out).toMatch(/verdict: VALID \(exit 0\)/)
    expect(r.code).toBe(0)
    expect(results(r.store).checkers[c.workload]?.valid).toBe(true)
    expect(leftovers(r.store)).toEqual([])
  }, 300_000)

  it.each(caught)('$workload on $target: $args.1 is caught (exit 1)', (c) => {
    const r = run(c, 30)
    expect(r.out).toMatch(c.finding)
    expect(r.code).toBe(1)
    expect(results(r.store).checkers[c.workload]?.valid).toBe(false)
    expect(leftovers(r.store)).toEqual([])
  }, 300_000)
})
