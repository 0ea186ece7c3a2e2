import { describe, expect, it } from 'vitest'
import { checkSource, compose, mergeValidity, type Checker, type CheckResult, type Validity } from '../../../checkers/checker.js'
import { HistoryError } from '../../../core/errors.js'
import { stats } from '../../../checkers/stats.js'
import { historyOfOps, type HistorySource } from '../../../core/history/source.js'
import type { Op } from '../../../core/op.js'

const context = { concurrency: 1, nodes: [] }

const fixed = (name: string, valid: Validity): Checker => ({ name, check: () => ({ valid, summary: `${name} says ${String(valid)}` }) })

describe('compose', () => {
  it('merges false > unknown > true', () => {
    expect(mergeValidity([true, true])).toBe(true)
    expect(mergeValidity([true, 'unknown'])).toBe('unknown')
    expect(mergeValidity(['unknown', false, true])).toBe(false)
    expect(mergeValidity([])).toBe(true)
  })

  it('runs every checker and keeps each result', async () => {
    const r = await compose([fixed('a', true), fixed('b', 'unknown'), fixed('c', false)]).check([], { concurrency: 1, nodes: [] })
    expect(r.valid).toBe(false)
    expect(Object.keys(r.checkers as object)).toEqual(['a', 'b', 'c'])
    expect(r.summary).toMatch(/c: INVALID/)
    expect(r.summary).toMatch(/b: unknown/)
  })

  it('turns a crashing checker into unknown, never valid', async () => {
    const boom: Checker = {
      name: 'boom',
      check: () => {
        throw new Error('bad input')
      },
    }
    const r = await compose({ ok: fixed('ok', true), boom }).check([], { concurrency: 1, nodes: [] })
    expect(r.valid).toBe('unknown')
    expect((r.checkers as Record<string, { summary: string }>)['boom']?.summary).toMatch(/crashed: bad input/)
  })

  it('lets a bad-input error through (exit 3) instead of turning it into unknown', async () => {
    const refuses: Checker = {
      name: 'refuses',
      check: () => {
        throw new HistoryError('h.edn', 3, 'not a list-append history')
      },
    }
    await expect(compose({ ok: fixed('ok', true), refuses }).check([], { concurrency: 1, nodes: [] })).rejects.toThrow(HistoryError)
    // The same when folding: the checker without a fold gets the loaded history and refuses it.
    await expect(checkSource(compose({ ok: fixed('ok', true), refuses }), historyOfOps([]), { concurrency: 1, nodes: [] })).rejects.toThrow(HistoryError)
  })
})

describe('compose, folding', () => {
  const ops: Op[] = [
    { index: 0, time: 0, type: 'invoke', process: 0, f: 'read', value: null },
    { index: 1, time: 1, type: 'ok', process: 0, f: 'read', value: 1 },
    { index: 2, time: 2, type: 'invoke', process: 0, f: 'write', value: 2 },
    { index: 3, time: 3, type: 'fail', process: 0, f: 'write', value: 2 },
  ]
  /** A source over `ops` that counts its full passes. */
  const counted = (): HistorySource & { passes: number } => {
    const inner = historyOfOps(ops)
    const source = {
      name: 'counted',
      passes: 0,
      blocks() {
        source.passes++
        return inner.blocks()
      },
      ranges: inner.ranges,
    }
    return source
  }
  const arrayOnly = (seen: Op[][]): Checker => ({
    name: 'array',
    check(history) {
      seen.push(history)
      return { valid: true, summary: `${history.length} ops` }
    },
  })
  const counting: Checker = {
    name: 'counting',
    check: (history) => ({ valid: true, summary: `${history.length} ops` }),
    fold: () => {
      let n = 0
      return { add: () => void n++, finish: () => ({ valid: true, summary: `${n} ops` }) }
    },
  }

  it('gives each checker the ops, as check does, loading the history once for the checkers without a fold', async () => {
    const seen: Op[][] = []
    const all = compose({ a: arrayOnly(seen), counting, b: arrayOnly(seen) })
    const source = counted()
    const fold = all.fold(context)
    for (const op of ops) fold.add(op)
    const folded = await fold.finish(source)
    expect(seen).toHaveLength(2)
    expect(seen[0]).toBe(seen[1])
    expect(seen[0]).toEqual(ops)
    expect(source.passes).toBe(1)
    expect(Object.keys(folded.checkers as object)).toEqual(['a', 'counting', 'b'])
    expect(folded).toEqual(await all.check(ops, context))
  })

  it('reads nothing again when every checker folds', async () => {
    const source = counted()
    const r = await checkSource(compose([counting, stats()]), source, context)
    expect(r).toEqual(await compose([counting, stats()]).check(ops, context))
    expect(source.passes).toBe(1)
  })

  it('turns a fold that throws (when made, on an op, or at the end) into unknown, and the others still judge', async () => {
    const failing = (where: 'make' | 'add' | 'finish'): Checker => ({
      name: where,
      check: () => ({ valid: true }),
      fold: () => {
        if (where === 'make') throw new Error('no fold today')
        return {
          add: () => {
            if (where === 'add') throw new Error('op refused')
          },
          finish: () => {
            throw new Error('no verdict')
          },
        }
      },
    })
    const r = await checkSource(compose([failing('make'), failing('add'), failing('finish'), counting]), historyOfOps(ops), context)
    const results = r.checkers as Record<string, CheckResult>
    expect(results['make']).toMatchObject({ valid: 'unknown', summary: 'checker crashed: no fold today' })
    expect(results['add']).toMatchObject({ valid: 'unknown', summary: 'checker crashed: op refused' })
    expect(results['finish']).toMatchObject({ valid: 'unknown', summary: 'checker crashed: no verdict' })
    expect(results['counting']).toEqual({ valid: true, summary: '4 ops' })
    expect(r.valid).toBe('unknown')
  })
})
