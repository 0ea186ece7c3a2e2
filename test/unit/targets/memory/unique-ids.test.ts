import { describe, expect, it } from 'vitest'
import { MemoryIds } from '../../../../targets/memory/unique-ids.js'
import { uniqueIdsWorkload } from '../../../../workloads/unique-ids.js'
import { runOnMemory } from './run-workload.js'

describe('memory id generator', () => {
  it('hands out 0, 1, 2, ...; duplicate-id gives overlapping requests the same id', async () => {
    expect(await Promise.all([0, 1, 2].map(() => new MemoryIds(undefined)).map((ids) => ids.generate()))).toEqual([0, 0, 0])
    const ids = new MemoryIds(undefined)
    expect(await Promise.all([ids.generate(), ids.generate(), ids.generate()])).toEqual([0, 1, 2])
    const racy = new MemoryIds('duplicate-id')
    expect(await Promise.all([racy.generate(), racy.generate()])).toEqual([0, 0])
  })

  it('the unique-ids workload is valid on it, and duplicate-id is caught', async () => {
    expect((await runOnMemory(uniqueIdsWorkload)).results.valid).toBe(true)
    expect((await runOnMemory(uniqueIdsWorkload, { bug: 'duplicate-id' })).results.checkers['unique-ids']).toMatchObject({ valid: false })
  })
})
