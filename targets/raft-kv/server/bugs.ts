/**
 * The deliberate bug modes of raft-kv (`--bug NAME`). Each one is a small,
 * honest code path: stale-read, split-transfer, early-dequeue, torn-read, local-ids and
 * txn-local-read in routes.ts, the others as options of the Raft library that main.ts sets.
 * This record is the one place they are named, and `dstest list targets`
 * prints it.
 */
export const BUGS = {
  'stale-read': 'every node answers reads from its own applied state, without asking the leader or confirming leadership (stale reads on followers and deposed leaders)',
  'lease-read': 'the leader answers reads locally while a wall-clock lease (Date.now() + minimum election timeout, no margin for drift) holds, and judges its majority by that clock too; a clock stepped back or skewed lets a deposed leader serve stale reads',
  'no-fsync': 'log entries are acknowledged before they are durable: they stay in memory and are flushed every 2 s, so SIGKILL of a majority loses acknowledged writes',
  'no-vote-persist': 'votedFor is not written to disk, so a restarted node can vote twice in one term and elect two leaders',
  'split-transfer': 'bank workload: a transfer is two log entries, the debit and then the credit, so a read between them sees money missing (and a leader lost between them loses it)',
  'early-dequeue': 'queue workload: the leader answers a dequeue from its own state before the dequeue is committed, so a leader deposed before the commit lets the next one hand the value out again',
  'torn-read': 'long-fork workload: a read-only transaction is coordinated by the node the client asks, reading its keys one linearizable read at a time through the leader, not at one moment, so two reads can see two writes in opposite orders',
  'local-ids': 'unique-ids and counter workloads: the leader answers an increment from a counter of its own and replicates it without waiting for the commit, so a deposed leader and its successor hand out the same ids',
  'txn-local-read':
    'list-append and rw-register workloads: the node the client asks coordinates each transaction, reading from its own applied state outside the log and sending only the writes through the log, so a lagging follower or a deposed leader answers reads that miss committed writes',
} as const

export type BugName = keyof typeof BUGS
