// The two fixes to node-zookeeper-client's connection manager, driven through
// its own onSocketData with the bytes of a reply (no server: the e2e test and
// the campaign run them against ZooKeeper).
import { describe, expect, it } from 'vitest'
import zookeeper from 'node-zookeeper-client'
import { withConnectionFixes } from '../../../../examples/zookeeper/connection-fixes.js'

interface Manager {
  state: number
  pendingBuffer: Buffer | null
  pendingQueue: unknown[]
  socket?: { destroy(): void }
  connect(): void
  onSocketData(b: Buffer): void
}
const managerOf = (c: unknown): Manager => (c as { connectionManager: Manager }).connectionManager

/** A reply frame: length, ReplyHeader { xid, zxid, err }. */
function reply(xid: number, err: number): Buffer {
  const b = Buffer.alloc(4 + 16)
  b.writeInt32BE(16, 0)
  b.writeInt32BE(xid, 4)
  b.writeInt32BE(err, 16)
  return b
}

describe("node-zookeeper-client's connection, fixed", () => {
  it('a reply with an error code the library does not know drops the connection instead of throwing', () => {
    const client = zookeeper.createClient('127.0.0.1:1', { retries: 0 })
    const manager = managerOf(client)
    let destroyed = 0
    let answered: unknown
    withConnectionFixes(client)
    manager.state = 2 // connected
    manager.socket = { destroy: () => void destroyed++ }
    manager.pendingQueue.push({ request: { header: { xid: 5, type: 4 } }, callback: (e: unknown) => (answered = e) })
    expect(() => manager.onSocketData(reply(5, 1577058311))).not.toThrow()
    expect(destroyed).toBe(1)
    expect(answered).toBeUndefined()
    // Without the fix, the same bytes throw out of the socket handler.
    const bare = managerOf(zookeeper.createClient('127.0.0.1:1', { retries: 0 }))
    bare.state = 2
    bare.pendingQueue.push({ request: { header: { xid: 5, type: 4 } }, callback: () => undefined })
    expect(() => bare.onSocketData(reply(5, 1577058311))).toThrow(/Unknown code: 1577058311/)
  })

  it('a new connection does not start with the fragment the last one left', () => {
    const client = zookeeper.createClient('127.0.0.1:1', { retries: 0 })
    const manager = managerOf(client)
    let connects = 0
    manager.connect = () => void connects++ // the socket itself is not opened here
    withConnectionFixes(client)
    manager.pendingBuffer = Buffer.from([0, 0, 0, 40, 1, 2])
    manager.connect()
    expect(connects).toBe(1)
    expect(manager.pendingBuffer).toBeNull()
  })
})
