/**
 * What raft-kv's clients send and get: the commands its log carries and the
 * client API's answers. Everything is plain JSON; the Raft RPCs between nodes
 * are the library's (../../server-kit/raft/messages.ts).
 */
import type { RaftStatus } from '../../server-kit/raft/messages.js'
import type { KvError } from '../../server-kit/replies.js'

/** A micro-op of a transaction: append to a list, read, or write a key. */
export type MicroOp = ['append', unknown, unknown] | ['r', unknown, unknown] | ['w', unknown, unknown]

export type Command =
  | { op: 'write'; key: unknown; value: unknown }
  | { op: 'cas'; key: unknown; from: unknown; to: unknown }
  | { op: 'txn'; ops: MicroOp[] }

/** An answer of /kv/*; what each error says about the operation is in ../../server-kit/replies.ts. */
export type KvReply = { ok: true; value?: unknown } | { ok: false; error: KvError; leader: string | null; message?: string }

export interface Status extends RaftStatus {
  bug: string | null
}
