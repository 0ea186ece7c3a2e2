// Two fixes to node-zookeeper-client 1.1.3's connection handling, found by
// this example's campaign (a no-sync run under partitions ended exit 4 with
// "internal error during the run: Unknown code: 1577058311"; the library's
// issue #70 reports the same error):
//
//   - The connection manager keeps the bytes of a reply cut short in
//     `pendingBuffer`, and does not clear them when the connection drops. The
//     next connection's bytes are appended to that stale fragment, so every
//     reply after it is read at the wrong offset. Each new connection now
//     starts with an empty buffer.
//   - A reply it cannot read (an error code it does not know, as above) makes
//     its socket handler throw, outside any callback: in dstest's process that
//     is an uncaught exception, which aborts the run. Such a reply now drops the
//     connection instead, which the library already does when a reply's xid is
//     not the one it expects: the requests waiting on it end with
//     CONNECTION_LOSS, so a write among them is info.
//
// Like sync.ts, this uses members of the library's ConnectionManager that are
// not its public API (`connect`, `onSocketData`, `pendingBuffer`, `socket`),
// on the instance only, before the first connection.
import type { Client } from 'node-zookeeper-client'

interface ConnectionManager {
  pendingBuffer: Buffer | null
  socket?: { destroy(): void }
  connect(): void
  onSocketData(buffer: Buffer): void
}

/** Installs both fixes on `client`, which must not have connected yet. Returns it. */
export function withConnectionFixes(client: Client): Client {
  const manager = (client as unknown as { connectionManager?: ConnectionManager }).connectionManager
  if (typeof manager?.connect !== 'function' || typeof manager.onSocketData !== 'function' || !('pendingBuffer' in manager)) {
    throw new TypeError('node-zookeeper-client: its connection manager is not the one these fixes were written for (1.1.3)')
  }
  const connect = manager.connect
  const onSocketData = manager.onSocketData
  manager.connect = function (this: ConnectionManager) {
    this.pendingBuffer = null
    connect.call(this)
  }
  manager.onSocketData = function (this: ConnectionManager, buffer: Buffer) {
    try {
      onSocketData.call(this, buffer)
    } catch {
      this.pendingBuffer = null
      this.socket?.destroy()
    }
  }
  return client
}
