import { describe, expect, it } from 'vitest'
import { filter, map, repeat, simulate } from '../../../../core/generator/index.js'
import { fs, values } from './helpers.js'

describe('map / filter', () => {
  it('map rewrites each op', () => {
    let n = 0
    const h = simulate(map((op) => ({ ...op, f: 'write', value: (op.value as number) * 10 }), repeat(3, () => ({ f: 'w', value: n++ }))), {
      concurrency: 1,
      seed: 1,
    })
    expect(fs(h)).toEqual(['write', 'write', 'write'])
    expect(values(h)).toEqual([0, 10, 20])
  })

  it('filter skips the ops its predicate rejects', () => {
    let n = 0
    const h = simulate(filter((op) => (op.value as number) % 2 === 0, repeat(10, () => ({ f: 'w', value: n++ }))), { concurrency: 1, seed: 1 })
    expect(values(h)).toEqual([0, 2, 4, 6, 8])
  })
})
