import { describe, expect, it } from 'vitest'
import { stats } from '../../../checkers/stats.js'
import type { Op } from '../../../core/op.js'
import { historyOfOps } from '../../../core/history/source.js'

const context = { concurrency: 2, nodes: ['n1'] }
let index = 0
/** One client op as an invoke/completion pair. */
function op(process: number | 'nemesis', f: string, type: 'ok' | 'fail' | 'info'): Op[] {
  return [
    { index: index++, time: index, type: 'invoke', process, f, value: null },
    { index: index++, time: index, type, process, f, value: null },
  ]
}

describe('stats checker', () => {
  it('is valid, with counts, when every operation succeeded at least once', async () => {
    const r = await stats().check([...op(0, 'read', 'ok'), ...op(1, 'cas', 'fail'), ...op(1, 'cas', 'ok'), ...op(0, 'write', 'info'), ...op(0, 'write', 'ok')], context)
    expect(r.valid).toBe(true)
    expect(r.summary).toBe('read 1/1 ok, cas 1/2 ok, write 1/2 ok')
  })

  it('is unknown, never invalid, when an operation never succeeded: nothing to judge, no anomaly seen', async () => {
    const history = [...op(0, 'read', 'ok'), ...Array.from({ length: 43 }, () => op(1, 'cas', 'fail')).flat()]
    const r = await stats().check(history, context)
    expect(r.valid).toBe('unknown')
    expect(r.summary).toMatch(/^no cas ever succeeded/)
    expect(r.summary).toMatch(/cas 0\/43 ok/)
  })

  it('is unknown when everything timed out, although such a history is trivially linearizable', async () => {
    const r = await stats().check([...op(0, 'write', 'info'), ...op(1, 'read', 'info')], context)
    expect(r.valid).toBe('unknown')
    expect(r.summary).toMatch(/no write, read ever succeeded/)
  })

  it('is unknown when no client operation completed, and ignores the nemesis', async () => {
    const r = await stats().check(op('nemesis', 'start-partition', 'ok'), context)
    expect(r.valid).toBe('unknown')
    expect(r.summary).toBe('no client operation completed')
  })

  it('folds to the same result as check, op by op', async () => {
    const history = [...op(0, 'read', 'ok'), ...op(1, 'cas', 'fail'), ...op('nemesis', 'kill', 'info'), ...op(0, 'write', 'info')]
    const fold = stats().fold!(context)
    for (const o of history) fold.add(o)
    expect(await fold.finish(historyOfOps(history))).toEqual(await stats().check(history, context))
  })
})
