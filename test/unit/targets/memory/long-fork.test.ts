import { describe, expect, it } from 'vitest'
import { MemoryTxnStore, REPLICA_LAG_MS } from '../../../../targets/memory/long-fork.js'
import { longForkWorkload } from '../../../../workloads/long-fork.js'
import { runOnMemory } from './run-workload.js'

describe('memory transactional store', () => {
  it('runs reads and writes of a transaction on one state', () => {
    const s = new MemoryTxnStore(undefined)
    expect(s.txn([['w', 1, 'a']], 0)).toEqual([['w', 1, 'a']])
    expect(s.txn([['r', 1, null], ['r', 2, null]], 1)).toEqual([['r', 1, 'a'], ['r', 2, null]])
    s.close()
  })

  it(`long-fork: each replica sees its own writes first and the other's ${REPLICA_LAG_MS} ms later, so two readers see two orders`, async () => {
    const s = new MemoryTxnStore('long-fork')
    s.txn([['w', 'x', 1]], 0)
    s.txn([['w', 'y', 1]], 1)
    const reads = [['r', 'x', null], ['r', 'y', null]] as [string, unknown, unknown][]
    expect(s.txn(reads, 0)).toEqual([['r', 'x', 1], ['r', 'y', null]])
    expect(s.txn(reads, 1)).toEqual([['r', 'x', null], ['r', 'y', 1]])
    await new Promise((r) => setTimeout(r, REPLICA_LAG_MS + 20))
    expect(s.txn(reads, 0)).toEqual(s.txn(reads, 1))
    s.close()
  })

  it('the long-fork workload is valid on it, and the long-fork bug is caught', async () => {
    expect((await runOnMemory(longForkWorkload)).results.valid).toBe(true)
    expect((await runOnMemory(longForkWorkload, { bug: 'long-fork' })).results.checkers['long-fork']).toMatchObject({ valid: false })
  })
})
