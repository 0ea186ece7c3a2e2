/**
 * chain-kv's routes on the node's one JSON port (../../server-kit/json-server.ts):
 * the client API under /kv/* (reads at the tail: /kv/read, /kv/read-many and
 * /kv/txn of reads only; the shared key-value store's commands at the head:
 * /kv/write, /kv/cas, /kv/append, /kv/add, /kv/incr, /kv/pop,
 * /kv/settle-dequeues, /kv/transfer, /kv/txn), and the chain protocol under
 * /chain/* (heartbeats from the master, forwards, snapshots and acks between
 * neighbours). The master's Raft RPCs (/raft/*) are the
 * library's routes. See ../README.md.
 */
import type { Route } from '../../server-kit/json-server.js'
import { COMMAND_ROUTES, commandOf, isReadOnlyTxn, keysOf, readKeyOf } from '../../server-kit/kv-store.js'
import type { ChainNode } from './chain.js'
import type { AckArgs, ForwardArgs, HeartbeatArgs, Operation, SnapshotArgs } from './messages.js'

export function chainRoutes(chain: ChainNode): Record<string, Route> {
  // Peers are trusted to send well-formed messages.
  const message = <T>(handle: (args: T) => unknown): Route => (body) => handle(body as unknown as T)
  const routes: Record<string, Route> = {
    '/kv/read': (body) => chain.read(readKeyOf(body)),
    '/kv/read-many': (body) => chain.readMany(keysOf(body)),
    '/chain/heartbeat': message<HeartbeatArgs>((args) => chain.handleHeartbeat(args)),
    '/chain/forward': message<ForwardArgs>((args) => chain.handleForward(args)),
    '/chain/snapshot': message<SnapshotArgs>((args) => chain.handleSnapshot(args)),
    '/chain/ack': message<AckArgs>((args) => chain.handleAck(args)),
  }
  for (const path of COMMAND_ROUTES) {
    routes[path] = (body) => {
      const command = commandOf(path, body)
      // A transaction that only reads is a read, answered by the tail (README, "Transactions").
      if (command.op === 'txn' && isReadOnlyTxn(command.ops)) return chain.readTxn(command.ops)
      return chain.submit(command satisfies Operation)
    }
  }
  return routes
}
