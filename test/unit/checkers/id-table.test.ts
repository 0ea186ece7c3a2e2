import { describe, expect, it } from 'vitest'
import { IdTable } from '../../../checkers/id-table.js'

describe('IdTable', () => {
  it('numbers each distinct id in the order first seen, and finds it again', () => {
    const t = new IdTable()
    expect([t.see(5), t.see('5'), t.see([5]), t.see({ id: 5 }), t.see(null)]).toEqual([-1, -1, -1, -1, -1])
    expect([t.see(5), t.see('5'), t.see([5]), t.see({ id: 5 }), t.see(null)]).toEqual([0, 1, 2, 3, 4])
    expect(t.size).toBe(5)
  })

  it('ids are equal when their JSON is: 0 and -0, and null with NaN and the infinities (all "null")', () => {
    const t = new IdTable()
    expect(t.see(0)).toBe(-1)
    expect(t.see(-0)).toBe(0)
    expect(t.see(null)).toBe(-1)
    expect([t.see(Number.NaN), t.see(Infinity), t.see(-Infinity)]).toEqual([1, 1, 1])
    expect(t.see(1.5)).toBe(-1)
    expect(t.see(1.5)).toBe(2)
  })

  it('keeps 200,000 numbers apart through its growth (consecutive, spaced and negative)', () => {
    const t = new IdTable()
    const ids = Array.from({ length: 200_000 }, (_, i) => (i % 3 === 0 ? i : i % 3 === 1 ? -i * 1024 : i * 2 ** 32))
    expect(ids.filter((id) => t.see(id) !== -1)).toEqual([])
    const again = ids.map((id) => t.see(id))
    expect(again.filter((ordinal, i) => ordinal !== i)).toEqual([])
    expect(t.size).toBe(200_000)
  })
})
