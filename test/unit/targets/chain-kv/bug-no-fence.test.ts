/**
 * Bug no-fence: epochs are not compared and leases not checked. The head is
 * paused until the master removes it, a write goes through the new head, then
 * the old head is resumed: it still takes a write, its old successor
 * acknowledges the stale update as a duplicate, and the old head answers ok;
 * the tail never shows that write (split brain, acknowledged write lost). The
 * correct server refuses it (client.test.ts, "fences a head removed while paused").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestCluster } from './cluster.js'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await TestCluster.start(3, { bug: 'no-fence' })
  await cluster.waitForChain(cluster.ids, (s) => s.chain.length === 3)
})
afterAll(async () => {
  await cluster?.close()
})

describe('bug no-fence', () => {
  it('lets a removed head keep accepting (and acknowledging) writes', async () => {
    expect(await cluster.post('n1', '/kv/write', { key: 'k', value: 'first' })).toEqual({ ok: true })
    cluster.pause('n1')
    try {
      await cluster.waitForChain(['n2', 'n3'], (s) => JSON.stringify(s.chain) === '["n2","n3"]')
      expect(await cluster.post('n2', '/kv/write', { key: 'k', value: 'new-head' })).toEqual({ ok: true })
    } finally {
      cluster.resume('n1')
    }
    expect(await cluster.post('n1', '/kv/write', { key: 'k', value: 'old-head' }, 2000)).toEqual({ ok: true })
    expect(await cluster.post('n3', '/kv/read', { key: 'k' })).toEqual({ ok: true, value: 'new-head' })
  })
})
