import { afterEach, describe, expect, it, vi } from 'vitest'
import { LineReporter } from '../../../../cli/reporters/line.js'
import type { Op } from '../../../../core/op.js'
import type { RunInfo } from '../../../../run/reporter.js'

const info: RunInfo = {
  testName: 'raft-kv-register',
  runId: 'raft-kv-register-0a1b2c',
  seed: 7,
  target: 'raft-kv',
  workload: 'register',
  nemesis: ['partition'],
  timeLimitSeconds: 60,
  options: [
    ['bug', 'stale-read'],
    ['partition', 'majority'],
  ],
  replay: 'dstest run --target raft-kv --seed 7',
  runDir: 'store/x',
  run: 1,
  runs: 1,
}

const completion = (index: number, time: number): Op => ({ index, time, type: 'ok', process: 0, f: 'read', value: null })

afterEach(() => {
  vi.useRealTimers()
})

describe('line reporter', () => {
  it('counts the time limit and throughput from the start of the workload, not from the start of the process', () => {
    // Fake clock: the cluster takes 20 s to start; the workload then runs.
    vi.useFakeTimers()
    const lines: string[] = []
    const r = new LineReporter((l) => lines.push(l), 5000)
    r.start(info)
    r.phase('cluster')
    vi.advanceTimersByTime(18_000)
    r.phase('setup')
    vi.advanceTimersByTime(2_000)
    r.phase('running', 0)
    for (let i = 0; i < 500; i++) r.op(completion(i, i * 1e7))
    vi.advanceTimersByTime(5_000)
    r.phase('heal', 60.02)
    r.close()
    expect(lines[0]).toBe('dstest: raft-kv-register run=raft-kv-register-0a1b2c seed=7 target=raft-kv workload=register nemesis=partition time-limit=60s bug=stale-read partition=majority')
    expect(lines.slice(2)).toEqual([
      'cluster',
      'setup',
      '[0.0s] running',
      // 500 completions in the first 5 s of the workload: 100/s, and 55 s left (not 35).
      '[5.0s] 55s left  100 client ops/s  ok=500 fail=0 info=0  faults: none',
      '[60.0s] heal',
    ])
  })

  it('prints nemesis events at their history time, and the verdict with client operations and the replay command', () => {
    const lines: string[] = []
    const r = new LineReporter((l) => lines.push(l), 5000)
    r.start(info)
    r.op({ index: 0, time: 16_100_000_000, type: 'invoke', process: 'nemesis', f: 'start-partition', value: null })
    r.op({ index: 1, time: 16_150_000_000, type: 'ok', process: 'nemesis', f: 'start-partition', value: { topology: 'one' } })
    r.finish({
      valid: false,
      exitCode: 1,
      summary: 'x',
      runId: info.runId,
      runDir: 'store/x',
      seed: 7,
      clientOperations: 1985,
      seconds: 68.46,
      replay: info.replay,
      checkers: { linearizable: { valid: false, summary: 'not linearizable' } },
    })
    r.close()
    expect(lines.slice(2)).toEqual([
      '[16.1s] nemesis ok start-partition {"topology":"one"}',
      '  linearizable: INVALID - not linearizable',
      'verdict: INVALID (exit 1) 1,985 client operations in 68.5s seed=7',
      'replay: dstest run --target raft-kv --seed 7',
      'results: store/x',
    ])
  })
})
