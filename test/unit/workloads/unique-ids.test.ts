import { describe, expect, it } from 'vitest'
import { uniqueIdsWorkload } from '../../../workloads/unique-ids.js'
import { invokes, options, play } from './helpers.js'

describe('unique-ids workload', () => {
  it('asks for ids and nothing else, and has no final phase', () => {
    const h = invokes(play(uniqueIdsWorkload, options()))
    expect(h.length).toBeGreaterThan(100)
    expect(new Set(h.map((op) => op.f))).toEqual(new Set(['generate']))
    expect(uniqueIdsWorkload).not.toHaveProperty('finalGenerator')
  })

  it('takes no options', () => {
    expect(() => uniqueIdsWorkload.generator(options({ width: 64 }))).toThrow(/unique-ids workload: unknown option\(s\) width/)
  })
})
