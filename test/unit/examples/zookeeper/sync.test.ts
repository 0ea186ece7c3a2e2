// sync() for node-zookeeper-client: the bytes ZooKeeper gets, and the request
// as the client's connection queue sees it (a real ensemble answers it in the
// e2e test, test/e2e/example-zookeeper.docker.test.ts).
import { describe, expect, it } from 'vitest'
import zookeeper from 'node-zookeeper-client'
import { encodeSyncRequest, OP_SYNC, sync } from '../../../../examples/zookeeper/sync.js'

describe('sync', () => {
  it('is encoded as ZooKeeper expects: length, xid, op code 9, path', () => {
    const b = encodeSyncRequest(7, '/register-3')
    expect([...b]).toEqual([
      ...[0, 0, 0, 23], // 4 + 4 + 4 + 11 bytes follow
      ...[0, 0, 0, 7], // xid
      ...[0, 0, 0, OP_SYNC],
      ...[0, 0, 0, 11],
      ...Buffer.from('/register-3'),
    ])
  })

  it("goes through the client's own queue, encoded with the xid the client gives it when sending", () => {
    const client = zookeeper.createClient('127.0.0.1:1', { retries: 0 })
    const queued: { header: { xid: number; type: number }; toBuffer(): Buffer }[] = []
    ;(client as unknown as { connectionManager: { queue(r: never): void } }).connectionManager.queue = (r: never) => void queued.push(r)
    sync(client, '/k', () => undefined)
    expect(queued).toHaveLength(1)
    // The client decodes the reply by the header's type: a create's reply has a sync reply's layout.
    expect(queued[0]!.header.type).toBe(1)
    queued[0]!.header.xid = 42
    expect(queued[0]!.toBuffer()).toEqual(encodeSyncRequest(42, '/k'))
  })
})
