// sync() for node-zookeeper-client, which has none (1.1.3: no method, and its
// reply decoder has no case for the sync op code, so a sync sent through it
// would drop the connection). ZooKeeper's sync(path) makes the server the
// client is connected to catch up with the leader before it serves the
// session's next request: a read after it sees every write that completed
// before the sync began (ZooKeeper's programmer's guide, "Consistency
// Guarantees").
//
// The request goes through the client's own connection queue, so it keeps the
// session's order (ZooKeeper serves a session's requests in the order sent):
//   - on the wire it is a sync: header { xid, type 9 } and SyncRequest { path };
//   - to the client it looks like a create (type 1): a create's reply,
//     CreateResponse { path }, is laid out exactly as SyncResponse { path }, so
//     the client decodes the reply, matches it by xid and calls back.
// This relies on two things of node-zookeeper-client's ConnectionManager that
// are not its public API: `client.connectionManager.queue(request, callback)`
// and the request shape { header: { xid, type }, toBuffer() }. The version is
// pinned in package.json; the e2e test runs it against a real ensemble.
import type { Client } from 'node-zookeeper-client'

export const OP_SYNC = 9
/** The op code whose reply has the same layout as a sync's (see above). */
const OP_CREATE = 1

/** The bytes of a sync request: length, RequestHeader { xid, type }, SyncRequest { path } (jute, big-endian). */
export function encodeSyncRequest(xid: number, path: string): Buffer {
  const p = Buffer.from(path, 'utf8')
  const body = 4 + 4 + 4 + p.length
  const b = Buffer.alloc(4 + body)
  b.writeInt32BE(body, 0)
  b.writeInt32BE(xid, 4)
  b.writeInt32BE(OP_SYNC, 8)
  b.writeInt32BE(p.length, 12)
  p.copy(b, 16)
  return b
}

interface QueuedRequest {
  header: { xid: number; type: number }
  payload: null
  toBuffer(): Buffer
}
interface ConnectionManager {
  queue(request: QueuedRequest, callback: (error: unknown) => void): void
}

/** Sends sync(path) on `client`'s session; the callback gets null, or the error the client reports. */
export function sync(client: Client, path: string, callback: (error: unknown) => void): void {
  const manager = (client as unknown as { connectionManager?: ConnectionManager }).connectionManager
  if (typeof manager?.queue !== 'function') throw new TypeError('node-zookeeper-client: no connectionManager.queue(); sync() needs version 1.1.3')
  const request: QueuedRequest = {
    // The client assigns header.xid when it sends the request.
    header: { xid: 0, type: OP_CREATE },
    payload: null,
    toBuffer() {
      return encodeSyncRequest(this.header.xid, path)
    },
  }
  manager.queue(request, (error) => callback(error ?? null))
}
