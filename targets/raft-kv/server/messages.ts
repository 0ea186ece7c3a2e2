/**
 * What raft-kv's clients send and get: the commands its log carries (the
 * shared key-value store's, ../../server-kit/kv-store.ts) and the client API's
 * answers. Everything is plain JSON; the Raft RPCs between nodes are the
 * library's (../../server-kit/raft/messages.ts).
 */
import type { KvCommand } from '../../server-kit/kv-store.js'
import type { RaftStatus } from '../../server-kit/raft/messages.js'
import type { KvError } from '../../server-kit/replies.js'

export type Command = KvCommand

/** An answer of /kv/*; what each error says about the operation is in ../../server-kit/replies.ts. */
export type KvReply = { ok: true; value?: unknown } | { ok: false; error: KvError; leader: string | null; message?: string }

export interface Status extends RaftStatus {
  bug: string | null
}
