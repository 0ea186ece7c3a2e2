import { describe, expect, it } from 'vitest'
import { compose, mergeValidity, type Checker, type Validity } from '../../../checkers/checker.js'
import { HistoryError } from '../../../core/errors.js'

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
  })
})
