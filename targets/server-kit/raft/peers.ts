/**
 * Raft RPCs over HTTP, both sides: `HttpPeerTransport` POSTs them as JSON to
 * the other servers, and `raftRoutes` answers them there, as routes of the
 * server's JSON API (../json-server.ts) beside the application's own.
 */
import type { Route } from '../json-server.js'
import { postJson } from '../rpc.js'
import type {
  AppendEntriesArgs,
  AppendEntriesReply,
  InstallSnapshotArgs,
  InstallSnapshotReply,
  RequestVoteArgs,
  RequestVoteReply,
} from './messages.js'
import type { PeerTransport, RaftNode } from './raft.js'

const PATHS = { vote: '/raft/vote', append: '/raft/append', snapshot: '/raft/snapshot' } as const

export class HttpPeerTransport<C> implements PeerTransport<C> {
  constructor(
    /** id → host:port of every server. */
    private readonly addresses: ReadonlyMap<string, string>,
    /** A peer that does not answer by then counts as unreachable this round. */
    private readonly timeoutMs: number,
  ) {}

  requestVote(peer: string, args: RequestVoteArgs): Promise<RequestVoteReply> {
    return this.call(peer, PATHS.vote, args, this.timeoutMs)
  }
  appendEntries(peer: string, args: AppendEntriesArgs<C>): Promise<AppendEntriesReply> {
    return this.call(peer, PATHS.append, args, this.timeoutMs)
  }
  installSnapshot(peer: string, args: InstallSnapshotArgs): Promise<InstallSnapshotReply> {
    return this.call(peer, PATHS.snapshot, args, this.timeoutMs * 10)
  }

  private async call<T>(peer: string, path: string, body: unknown, timeoutMs: number): Promise<T> {
    const address = this.addresses.get(peer)
    if (!address) throw new Error(`no address for peer ${peer}`)
    const res = await postJson(address, path, body, timeoutMs)
    if (res.status !== 200) throw new Error(`${peer}${path}: HTTP ${res.status}`)
    return res.body as T
  }
}

/** The routes that answer the RPCs of other servers' `HttpPeerTransport` (peers are trusted to send well-formed ones). */
export function raftRoutes<C>(node: RaftNode<C, unknown>): Record<string, Route> {
  return {
    [PATHS.vote]: (body) => node.handleRequestVote(body as unknown as RequestVoteArgs),
    [PATHS.append]: (body) => node.handleAppendEntries(body as unknown as AppendEntriesArgs<C>),
    [PATHS.snapshot]: (body) => node.handleInstallSnapshot(body as unknown as InstallSnapshotArgs),
  }
}
