/** Raft RPCs to the other servers, as JSON POSTs to their /raft/* routes. */
import type {
  AppendEntriesArgs,
  AppendEntriesReply,
  InstallSnapshotArgs,
  InstallSnapshotReply,
  RequestVoteArgs,
  RequestVoteReply,
} from './messages.js'
import type { PeerTransport } from './raft.js'
import { postJson } from './rpc.js'

export class HttpPeerTransport implements PeerTransport {
  constructor(
    /** id → host:port of every server. */
    private readonly addresses: ReadonlyMap<string, string>,
    /** A peer that does not answer by then counts as unreachable this round. */
    private readonly timeoutMs: number,
  ) {}

  requestVote(peer: string, args: RequestVoteArgs): Promise<RequestVoteReply> {
    return this.call(peer, '/raft/vote', args, this.timeoutMs)
  }
  appendEntries(peer: string, args: AppendEntriesArgs): Promise<AppendEntriesReply> {
    return this.call(peer, '/raft/append', args, this.timeoutMs)
  }
  installSnapshot(peer: string, args: InstallSnapshotArgs): Promise<InstallSnapshotReply> {
    return this.call(peer, '/raft/snapshot', args, this.timeoutMs * 10)
  }

  private async call<T>(peer: string, path: string, body: unknown, timeoutMs: number): Promise<T> {
    const address = this.addresses.get(peer)
    if (!address) throw new Error(`no address for peer ${peer}`)
    const res = await postJson(address, path, body, timeoutMs)
    if (res.status !== 200) throw new Error(`${peer}${path}: HTTP ${res.status}`)
    return res.body as T
  }
}
