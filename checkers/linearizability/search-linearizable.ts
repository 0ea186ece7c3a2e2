/**
 * Linearizability search for one partition: Wing & Gong's depth-first search over
 * the history's call/return entries, with Lowe's memoisation of (linearized set,
 * state) pairs, as refined by Horn & Kroening and Porcupine.
 *
 * The history is a doubly-linked list of entries sorted by time. The candidates to
 * linearize next are the calls that come before the first remaining return: no
 * completed operation may be placed after one that returned before it was called.
 * Linearizing an operation unlinks its call and return ("lifts" it); backtracking
 * relinks them in reverse order (dancing links). The search is iterative: an
 * explicit stack holds, per placed operation, the state before it and the other
 * states the model allowed.
 *
 * Operations that never completed (return = Infinity) may take effect at any time
 * after their call, or never. They need not be linearized, and at each node the
 * completed candidates are tried first: placing a pending write early is rarely
 * what makes a history linearizable, and trying it last keeps the search narrow.
 * Two reductions keep histories with many timeouts tractable, both sound for
 * pending operations only:
 * - a pending operation whose step leaves the state unchanged is not placed (it
 *   constrains nothing, so placing it only adds a new linearized set);
 * - pending operations with identical inputs are interchangeable, and the one
 *   called earlier can stand wherever a later one could, so they are placed in
 *   call order only (the k-th of its kind placed is the k-th called).
 */
import { StateCache, numericHash } from './cache.js'
import { LongestRecorder, stopReason, zobristKeys, type Prepared, type SearchLimits, type SearchOutcome, type SearchRun } from './search-common.js'

export function* searchLinearizable<State, Input, Output>(
  p: Prepared<State, Input, Output>,
  limits: SearchLimits,
  firstBudget: number,
): SearchRun<State> {
  let budget = firstBudget
  const { model, n, inputs, outputs } = p
  const order = entryOrder(p)
  const HEAD = 2 * n
  const next = new Int32Array(2 * n + 1)
  const prev = new Int32Array(2 * n + 1)
  let last = HEAD
  for (const node of order) {
    next[last] = node
    prev[node] = last
    last = node
  }
  next[last] = -1

  const pending = new Uint8Array(n)
  let remaining = 0
  let pendingLeft = 0
  for (let i = 0; i < n; i++) {
    if (p.returns[i] === Infinity) {
      pending[i] = 1
      pendingLeft++
    } else remaining++
  }

  // Kinds of pending operations (identical inputs), and each one's rank by call.
  const kind = new Int32Array(n).fill(-1)
  const rank = new Int32Array(n)
  const kinds = new Map<string, number>()
  const kindCount: number[] = []
  for (const node of order) {
    const op = node >>> 1
    if ((node & 1) === 1 || pending[op] === 0) continue
    const key = JSON.stringify(inputs[op]) ?? ''
    let k = kinds.get(key)
    if (k === undefined) {
      kinds.set(key, (k = kindCount.length))
      kindCount.push(0)
    }
    kind[op] = k
    rank[op] = kindCount[k]!++
  }
  const kindPlaced = new Int32Array(kindCount.length)

  const words = (n + 31) >>> 5
  const bits = new Uint32Array(Math.max(1, words))
  const keys = zobristKeys(n)
  const cache = new StateCache<State>(words, limits.maxCacheEntries, (a, b) => model.equal(a, b))
  const recorder = limits.verbose ? new LongestRecorder<State>(limits.maxLongest) : undefined

  const stackOp = new Int32Array(n)
  const stackAlt = new Int32Array(n)
  const stackState: State[] = new Array(n)
  const stackAlts: (readonly State[])[] = new Array(n)
  let depth = 0
  let state = model.init()
  let setHash = 0
  let steps = 0
  let entry = next[HEAD]!
  // 0: trying completed calls; 1: trying calls that never returned.
  let phase = 0

  const outcome = (result: SearchOutcome<State>['result'], reason?: string): SearchOutcome<State> => {
    const out: SearchOutcome<State> = { result, steps, cacheEntries: cache.size, cacheBytes: cache.bytes }
    if (reason !== undefined) out.reason = reason
    if (recorder) {
      out.longest = recorder.found
      if (result === 'illegal') explainStuck(p, order, recorder, out)
    }
    return out
  }

  recorder?.offer(0, stackOp, stackState, state)
  if (remaining === 0) return outcome('ok')

  while (true) {
    let op: number
    let alts: readonly State[]
    let from: number
    if (entry === -1 || (entry & 1) === 1) {
      // A return (or the end): no further candidate in this phase.
      if (phase === 0 && pendingLeft > 0) {
        phase = 1
        entry = next[HEAD]!
        continue
      }
      if (depth === 0) return outcome('illegal')
      depth--
      op = stackOp[depth]!
      state = stackState[depth]!
      alts = stackAlts[depth]!
      from = stackAlt[depth]! + 1
      stackAlts[depth] = undefined as unknown as readonly State[]
      // Relink the return, then the call (reverse of lifting).
      const c = 2 * op
      const r = c + 1
      next[prev[r]!] = r
      if (next[r] !== -1) prev[next[r]!] = r
      next[prev[c]!] = c
      if (next[c] !== -1) prev[next[c]!] = c
      bits[op >>> 5]! &= ~(1 << (op & 31))
      setHash ^= keys[op]!
      if (pending[op] === 1) {
        pendingLeft++
        kindPlaced[kind[op]!]!--
        phase = 1
      } else {
        remaining++
        phase = 0
      }
    } else {
      op = entry >>> 1
      if (pending[op] !== phase || (phase === 1 && rank[op] !== kindPlaced[kind[op]!])) {
        entry = next[entry]!
        continue
      }
      if (steps >= budget) budget = yield steps
      steps++
      if ((steps & 4095) === 0) {
        const stop = stopReason(limits)
        if (stop !== undefined) return outcome('unknown', stop)
      }
      alts = model.step(state, inputs[op]!, outputs[op])
      from = 0
    }

    let placed = false
    if (from < alts.length) {
      const h = setHash ^ keys[op]!
      bits[op >>> 5]! |= 1 << (op & 31)
      for (let k = from; k < alts.length; k++) {
        const s = alts[k]!
        if (pending[op] === 1 && model.equal(s, state)) continue
        if (cache.full) return outcome('unknown', `memory cap: ${cache.size} cached states (maxCacheEntries)`)
        if (cache.add(bits, h, s, numericHash(model.hash(s)))) {
          stackOp[depth] = op
          stackAlt[depth] = k
          stackState[depth] = state
          stackAlts[depth] = alts
          depth++
          state = s
          setHash = h
          placed = true
          break
        }
      }
      if (!placed) bits[op >>> 5]! &= ~(1 << (op & 31))
    }
    if (placed) {
      const c = 2 * op
      const r = c + 1
      next[prev[c]!] = next[c]!
      if (next[c] !== -1) prev[next[c]!] = prev[c]!
      next[prev[r]!] = next[r]!
      if (next[r] !== -1) prev[next[r]!] = prev[r]!
      if (pending[op] === 1) {
        pendingLeft--
        kindPlaced[kind[op]!]!++
      } else if (--remaining === 0) {
        recorder?.offer(depth, stackOp, stackState, state)
        return outcome('ok')
      }
      recorder?.offer(depth, stackOp, stackState, state)
      entry = next[HEAD]!
      phase = 0
    } else {
      entry = next[2 * op]!
    }
  }
}

/**
 * Entry nodes sorted by time: call of op i is node 2i, its return 2i+1. At equal
 * times calls come first, so touching operations count as concurrent.
 */
function entryOrder(p: Prepared<unknown, unknown, unknown>): Int32Array {
  const nodes = new Int32Array(2 * p.n)
  for (let i = 0; i < 2 * p.n; i++) nodes[i] = i
  const time = (node: number): number => ((node & 1) === 0 ? p.calls[node >>> 1]! : p.returns[node >>> 1]!)
  nodes.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || a - b)
  return nodes
}

/** The candidates after the longest prefix, and what the model said to each. */
function explainStuck<State>(
  p: Prepared<State, unknown, unknown>,
  order: Int32Array,
  recorder: LongestRecorder<State>,
  out: SearchOutcome<State>,
): void {
  const prefix = recorder.found[0]
  if (!prefix) return
  const placed = new Set(prefix.ops)
  const state = prefix.states.length > 0 ? prefix.states[prefix.states.length - 1]! : p.model.init()
  const stuck: { op: number; next: State[] }[] = []
  for (const node of order) {
    const op = node >>> 1
    if (placed.has(op)) continue
    if ((node & 1) === 1) break
    stuck.push({ op, next: [...p.model.step(state, p.inputs[op]!, p.outputs[op])] })
  }
  out.stuck = stuck
  out.stuckState = state
}
