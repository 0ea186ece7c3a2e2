import { describe, expect, it } from 'vitest'
import { LOST_ADD_EVERY, MemorySet } from '../../../../targets/memory/set.js'
import { setWorkload } from '../../../../workloads/set.js'
import { runOnMemory } from './run-workload.js'

describe('memory set', () => {
  it('holds each element once per key', () => {
    const s = new MemorySet(undefined)
    s.add('a', 1)
    s.add('a', 1)
    s.add('b', 2)
    expect(s.read('a')).toEqual([1])
    expect(s.read('b')).toEqual([2])
    expect(s.read('c')).toEqual([])
  })

  it('lost-add: every 37th add is dropped', () => {
    const s = new MemorySet('lost-add')
    for (let e = 1; e <= 2 * LOST_ADD_EVERY; e++) s.add('k', e)
    expect(s.read('k')).toHaveLength(2 * LOST_ADD_EVERY - 2)
    expect(s.read('k')).not.toContain(LOST_ADD_EVERY)
  })

  it('the set workload is valid on it, and lost-add is caught as lost elements', async () => {
    const ok = await runOnMemory(setWorkload)
    expect(ok.results.valid).toBe(true)
    const bad = await runOnMemory(setWorkload, { bug: 'lost-add' })
    expect(bad.results.valid).toBe(false)
    expect(bad.results.checkers.set).toMatchObject({ valid: false, counts: { lost: expect.any(Number) as number } })
    expect((bad.results.checkers.set as unknown as { counts: { lost: number } }).counts.lost).toBeGreaterThan(0)
  })
})
