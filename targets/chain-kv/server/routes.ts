/**
 * chain-kv's routes on the node's one JSON port (../../server-kit/json-server.ts):
 * the client API under /kv/*, and the chain protocol under /chain/* (heartbeats
 * from the master, forwards, snapshots and acks between neighbours). The
 * master's Raft RPCs (/raft/*) are the library's routes. See ../README.md.
 */
import { BadRequest, type Route } from '../../server-kit/json-server.js'
import type { ChainNode } from './chain.js'
import type { AckArgs, ForwardArgs, HeartbeatArgs, Operation, SnapshotArgs } from './messages.js'

export function chainRoutes(chain: ChainNode): Record<string, Route> {
  // Peers are trusted to send well-formed messages.
  const message = <T>(handle: (args: T) => unknown): Route => (body) => handle(body as unknown as T)
  return {
    '/kv/read': (body) => {
      if (!('key' in body)) throw new BadRequest('/kv/read needs a key')
      return chain.read(body.key)
    },
    '/kv/write': (body) => chain.submit(toOperation('/kv/write', body)),
    '/kv/cas': (body) => chain.submit(toOperation('/kv/cas', body)),
    '/kv/append': (body) => chain.submit(toOperation('/kv/append', body)),
    '/chain/heartbeat': message<HeartbeatArgs>((args) => chain.handleHeartbeat(args)),
    '/chain/forward': message<ForwardArgs>((args) => chain.handleForward(args)),
    '/chain/snapshot': message<SnapshotArgs>((args) => chain.handleSnapshot(args)),
    '/chain/ack': message<AckArgs>((args) => chain.handleAck(args)),
  }
}

function toOperation(path: string, body: Record<string, unknown>): Operation {
  if (!('key' in body)) throw new BadRequest(`${path} needs a key`)
  switch (path) {
    case '/kv/write':
      return { op: 'write', key: body.key, value: body.value ?? null }
    case '/kv/cas':
      return { op: 'cas', key: body.key, from: body.from ?? null, to: body.to ?? null }
    default:
      return { op: 'append', key: body.key, value: body.value ?? null }
  }
}
