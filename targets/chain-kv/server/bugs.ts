/**
 * The deliberate bug modes of chain-kv (`--bug NAME`). Each one is a small,
 * honest code path in the server; this record is the one place they are named,
 * and `dstest list targets` prints it.
 */
export const BUGS = {
  'read-any':
    'every replica answers reads from its own applied state (the client sends reads to its own node): a middle node or the head shows writes the tail has not committed, and a later read at the tail goes back in time',
  'early-ack':
    'the head acknowledges a write as soon as it holds it durably, before it has reached the tail: if the head fails before forwarding it, an acknowledged write is lost',
  'no-fence':
    'epochs are never compared and leases never checked: a node removed from the chain (paused or partitioned) keeps serving as head, its successor acknowledges its stale updates, and writes acknowledged by it vanish (split brain)',
} as const

export type BugName = keyof typeof BUGS

export function isBugName(name: string): name is BugName {
  return Object.prototype.hasOwnProperty.call(BUGS, name)
}
