// The linearized set's window must be what a from-scratch scan says after any
// sequence of changes: the memo relies on equal sets having equal windows.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LinearizedSet, requiredWords } from '../../../../checkers/linearizability/linearized-set.js'

function windowOf(words: Uint32Array, required: Uint32Array): { lo: number; hi: number } {
  let lo = 0
  while (lo < words.length && words[lo] === required[lo]) lo++
  let hi = words.length
  while (hi > 0 && words[hi - 1] === 0) hi--
  return { lo, hi }
}

describe('LinearizedSet', () => {
  it('keeps its window exact through random adds and deletes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.boolean(), { maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 400 }),
        (n, optionalFlags, moves) => {
          const optional = Uint8Array.from({ length: n }, (_, i) => (optionalFlags[i] ? 1 : 0))
          const set = new LinearizedSet(requiredWords(optional))
          const placed = new Set<number>()
          for (const m of moves) {
            const op = m % n
            if (placed.has(op)) {
              set.delete(op)
              placed.delete(op)
            } else {
              set.add(op)
              placed.add(op)
            }
            expect({ lo: set.lo, hi: set.hi }).toEqual(windowOf(set.words, set.required))
            expect(set.has(op)).toBe(placed.has(op))
          }
        },
      ),
      { numRuns: 2000, seed: 7 },
    )
  })

  it('is a few words wide when the ops below a point are all placed, however long the history', () => {
    const optional = new Uint8Array(10_000)
    optional[17] = 1 // one op that never returned, left unplaced
    const set = new LinearizedSet(requiredWords(optional))
    for (let op = 0; op < 9_000; op++) if (op !== 17) set.add(op)
    set.add(9_005)
    expect(set.lo).toBe(9_000 >>> 5)
    expect(set.hi).toBe((9_005 >>> 5) + 1)
  })
})
