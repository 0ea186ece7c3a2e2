import { describe, expect, it } from 'vitest'
import { clients, simulate, timeLimit } from '../../../core/generator/index.js'
import type { Completion, Op } from '../../../core/op.js'
import { retryUntilOk } from '../../../run/final-reads.js'

const reads = (keys: number): { f: string; value: unknown }[] => Array.from({ length: keys }, (_, k) => ({ f: 'read', value: [k, null] }))
const oks = (history: Op[]): unknown[] => history.filter((op) => op.type === 'ok').map((op) => (op.value as unknown[])[0])

describe('retryUntilOk: final reads retried until the system answers', () => {
  it('asks each read again after fail or info until it is ok, on whichever thread is free', () => {
    // The system answers nothing usable for its first 2 s (fail, then info), then ok.
    const answer = (op: Op): Completion => (op.time < 1e9 ? { type: 'fail', error: 'unavailable' } : op.time < 2e9 ? { type: 'info', error: 'timeout' } : { type: 'ok' })
    const history = simulate(clients(retryUntilOk(reads(3))), { concurrency: 2, seed: 1, answer, completeAfterNs: 1e6 })
    expect(oks(history).sort()).toEqual([0, 1, 2])
    const attempts = (k: number): number => history.filter((op) => op.type === 'invoke' && (op.value as unknown[])[0] === k).length
    for (const k of [0, 1, 2]) expect(attempts(k)).toBeGreaterThan(2)
    // Attempts are spaced by the retry gap, not spun.
    expect(history.filter((op) => op.type === 'invoke').length).toBeLessThan(3 * (2e9 / 0.25e9 + 2))
    // After an info the thread went on as a new process; no process invokes twice at once.
    expect(new Set(history.filter((op) => op.type === 'invoke').map((op) => op.process)).size).toBeGreaterThan(2)
  })

  it('a read that succeeds at once is asked once', () => {
    const history = simulate(clients(retryUntilOk(reads(5))), { concurrency: 3, seed: 2 })
    expect(history.filter((op) => op.type === 'invoke')).toHaveLength(5)
    expect(oks(history).sort()).toEqual([0, 1, 2, 3, 4])
  })

  it('a system that never answers: the time limit ends the retries', () => {
    const history = simulate(clients(timeLimit(3, retryUntilOk(reads(2)))), { concurrency: 2, seed: 3, answer: () => ({ type: 'fail' }), completeAfterNs: 1e6 })
    expect(oks(history)).toEqual([])
    const last = history.filter((op) => op.type === 'invoke').at(-1)!
    expect(last.time).toBeLessThan(3.01e9)
    expect(history.filter((op) => op.type === 'invoke').length).toBeGreaterThan(10)
  })
})
