/**
 * Process order and real-time order between transactions.
 *
 * Process: each committed transaction precedes the next transaction of its
 * process. An indeterminate transaction has no successor edge (Jepsen gives a
 * process a new number after one, and if it did go on, nothing says the
 * indeterminate one took effect before).
 *
 * Real time: T1 precedes T2 when T1 committed (its ok completion) before T2 was
 * invoked, in history order. Kept as a transitive reduction: the "frontier" is
 * the set of committed transactions not yet known to precede another committed
 * one; each invocation gets an edge from each frontier member, and a completion
 * removes the members that precede it. Frontier members are pairwise
 * concurrent, so there are at most as many as there are concurrent processes,
 * and the graph stays linear in the history.
 */
import { EdgeList, PROCESS, REALTIME } from './graph.js'
import { FAIL, OK, type Txns } from './txn.js'

export function addProcessEdges(txns: Txns, edges: EdgeList): void {
  const lastOk = new Map<number, number>()
  for (let t = 0; t < txns.n; t++) {
    if (txns.type[t] === FAIL) continue
    const p = txns.process[t]!
    const prev = lastOk.get(p)
    if (prev !== undefined) edges.add(prev, t, PROCESS)
    if (txns.type[t] === OK) lastOk.set(p, t)
  }
}

/**
 * Walks invocations and ok completions in history order for the transactions
 * `ids` (ascending, so in invocation order), calling `edge(f, t)` for each
 * real-time edge of the reduction.
 */
export function realtimeReduction(txns: Txns, ids: ArrayLike<number>, edge: (from: number, to: number) => void): void {
  const done: number[] = []
  for (let i = 0; i < ids.length; i++) if (txns.type[ids[i]!] === OK) done.push(ids[i]!)
  done.sort((a, b) => txns.completePos[a]! - txns.completePos[b]!)
  const frontier: number[] = []
  let c = 0
  for (let i = 0; i < ids.length; i++) {
    const t = ids[i]!
    if (txns.type[t] === FAIL) continue
    const at = txns.invokePos[t]!
    // Completions strictly before this invocation.
    while (c < done.length && txns.completePos[done[c]!]! < at) complete(txns, frontier, done[c++]!)
    for (const f of frontier) edge(f, t)
  }
}

export function addRealtimeEdges(txns: Txns, edges: EdgeList): void {
  // All transactions at once: walk history positions instead of sorting completions.
  let end = 0
  for (let t = 0; t < txns.n; t++) end = Math.max(end, txns.invokePos[t]! + 1, txns.completePos[t]! + 1)
  const completedAt = new Int32Array(end).fill(-1)
  for (let t = 0; t < txns.n; t++) if (txns.type[t] === OK) completedAt[txns.completePos[t]!] = t
  const frontier: number[] = []
  let pos = 0
  for (let t = 0; t < txns.n; t++) {
    if (txns.type[t] === FAIL) continue
    const at = txns.invokePos[t]!
    for (; pos < at; pos++) {
      const done = completedAt[pos]!
      if (done >= 0) complete(txns, frontier, done)
    }
    for (const f of frontier) edges.add(f, t, REALTIME)
  }
}

/** t completed: it joins the frontier, and the members that precede it leave. */
function complete(txns: Txns, frontier: number[], t: number): void {
  const start = txns.invokePos[t]!
  let kept = 0
  for (const f of frontier) if (txns.completePos[f]! > start) frontier[kept++] = f
  frontier.length = kept
  frontier.push(t)
}
