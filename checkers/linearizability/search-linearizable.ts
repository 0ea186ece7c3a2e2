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
 * Reductions, each exact (the verdict is the one the plain search would give):
 * - Optional operations. One that never completed (return = Infinity) may take
 *   effect at any time after its call, or never. One that completed with an
 *   unknown output (a timeout) at or after the last call of the partition ("at the
 *   tail") must take effect, but nothing has to follow it, so it can always go
 *   last: the search treats it as optional and, once every other operation is
 *   placed, appends the tail operations it did not place. If the model rejects
 *   one there (a model whose step with an unknown output can be illegal), the
 *   partition is searched again with tail operations required.
 *   Completed candidates are tried before optional ones. An optional operation is
 *   never placed where its step leaves the state unchanged (dropping it changes
 *   nothing); those with identical inputs are placed in call order only (the one
 *   called earlier can stand wherever a later one could); and one is not followed
 *   directly by an operation that reaches the same state without it (it is
 *   absorbed, like a timed-out write overwritten by the next write: that
 *   operation is tried without it from the node before). The memo also prunes a
 *   pair with the same required operations and the same state as an explored
 *   pair but more optional operations placed (see cache.ts): whatever follows
 *   the one can follow the other, which need not place those operations.
 * - Read-only operations (Lowe, "Testing for linearizability", 2017). When a
 *   completed operation that the model says never changes the state
 *   (`isReadOnly`) is a candidate and legal in the current state, it is placed at
 *   once and nothing else is tried at that node: any linearization from here can
 *   be rearranged to place it first (it may precede every unplaced operation in
 *   real time, and it leaves every state as it was).
 */
import { StateCache, numericHash } from './cache.js'
import { LinearizedSet, requiredWords } from './linearized-set.js'
import { LongestRecorder, stopReason, zobristKeys, type Prepared, type SearchLimits, type SearchOutcome, type SearchRun } from './search-common.js'

export function* searchLinearizable<State, Input, Output>(
  p: Prepared<State, Input, Output>,
  limits: SearchLimits,
  firstBudget: number,
): SearchRun<State> {
  let search = new LinearizableSearch(p, limits, true, 0)
  let budget = firstBudget
  while (true) {
    const out = search.run(budget)
    if (out === REQUIRE_TAIL) search = new LinearizableSearch(p, limits, false, search.steps)
    else if (out !== undefined) return out
    else budget = yield search.steps
  }
}

/** The alternatives of no step yet (one shared array: the loop starts an iteration per list entry it passes). */
const NO_STATES: readonly never[] = []

/** What `run` returns when the model rejected a tail op at the end: search again with tail ops required. */
const REQUIRE_TAIL = 'require-tail'

/**
 * The search of one partition, resumable: `run(budget)` goes on until the step
 * count reaches `budget` (it may pass it by the read-only candidates of one
 * node) and returns undefined, or ends with the outcome. A plain method, not a
 * generator: V8 runs this loop faster in one (7% on kv c50, interleaved A/B).
 */
class LinearizableSearch<State, Input, Output> {
  private readonly model: Prepared<State, Input, Output>['model']
  private readonly order: Int32Array
  private readonly next: Int32Array
  private readonly prev: Int32Array
  /** 1: need not be placed during the search (never returned, or deferred tail op). */
  private readonly optional: Uint8Array
  /** Tail ops in call order: appended at the end if the search did not place them. */
  private readonly tail: number[]
  /** Optional ops that may be placed (a read-only one never is: it would leave the state as it is). */
  private readonly placeable: Uint8Array
  /** Kind (identical inputs) of each placeable op, its rank by call within the kind, and how many of each kind are placed. */
  private readonly kind: Int32Array
  private readonly rank: Int32Array
  private readonly kindPlaced: Int32Array
  private readonly placed: LinearizedSet
  private readonly keys: Int32Array
  /** Signature bit of each optional op (see cache.ts), and how many placed optional ops hold each bit. */
  private readonly signatureBit: Int32Array
  private readonly bitHolders = new Int32Array(32)
  private readonly cache: StateCache<State>
  private readonly recorder: LongestRecorder<State> | undefined
  private readonly stackOp: Int32Array
  private readonly stackAlt: Int32Array
  private readonly stackHash: Int32Array
  /** 1: the op was placed as a read-only op that fits; its node tries nothing else. */
  private readonly stackForced: Uint8Array
  private readonly stackState: State[]
  private readonly stackAlts: (readonly State[])[]

  // Where the search stands between runs.
  steps: number
  private depth = 0
  private state: State
  private stateHash: number
  /** Zobrist hash of the placed required ops (the memo's key; see cache.ts). */
  private setHash = 0
  private signature = 0
  private remaining = 0
  private optionalLeft = 0
  /** The entry to look at next, in phase 0 (completed calls) or 1 (optional calls). */
  private entry: number
  private phase = 0
  /** True on arriving at a node: look for a read-only op to place first. */
  private fresh = true
  private started = false

  constructor(
    private readonly p: Prepared<State, Input, Output>,
    private readonly limits: SearchLimits,
    deferTail: boolean,
    stepsBefore: number,
  ) {
    const { n, inputs, outputs, readOnly } = p
    this.model = p.model
    this.steps = stepsBefore
    const order = (this.order = entryOrder(p))
    const HEAD = 2 * n
    const next = (this.next = new Int32Array(2 * n + 1))
    const prev = (this.prev = new Int32Array(2 * n + 1))
    let last = HEAD
    for (const node of order) {
      next[last] = node
      prev[node] = last
      last = node
    }
    next[last] = -1
    this.entry = next[HEAD]!

    const optional = (this.optional = new Uint8Array(n))
    const tail: number[] = (this.tail = [])
    let lastCall = -Infinity
    for (let i = 0; i < n; i++) if (p.calls[i]! > lastCall) lastCall = p.calls[i]!
    for (let i = 0; i < n; i++) {
      if (p.returns[i] === Infinity) optional[i] = 1
      else if (deferTail && outputs[i] === undefined && p.returns[i]! >= lastCall) {
        optional[i] = 1
        tail.push(i)
      } else this.remaining++
    }
    tail.sort((a, b) => p.calls[a]! - p.calls[b]! || a - b)

    const placeable = (this.placeable = new Uint8Array(n))
    const kind = (this.kind = new Int32Array(n).fill(-1))
    const rank = (this.rank = new Int32Array(n))
    const kinds = new Map<string, number>()
    const kindCount: number[] = []
    for (const node of order) {
      const op = node >>> 1
      if ((node & 1) === 1 || optional[op] === 0 || readOnly[op] === 1) continue
      placeable[op] = 1
      this.optionalLeft++
      const key = JSON.stringify(inputs[op]) ?? ''
      let k = kinds.get(key)
      if (k === undefined) {
        kinds.set(key, (k = kindCount.length))
        kindCount.push(0)
      }
      kind[op] = k
      rank[op] = kindCount[k]!++
    }
    this.kindPlaced = new Int32Array(kindCount.length)

    const required = requiredWords(optional)
    this.placed = new LinearizedSet(required)
    this.keys = zobristKeys(n)
    this.signatureBit = new Int32Array(n)
    let optionalSeen = 0
    for (let i = 0; i < n; i++) if (optional[i] === 1) this.signatureBit[i] = optionalSeen++ & 31
    const model = p.model
    this.cache = new StateCache<State>(limits.maxCacheEntries, (a, b) => model.equal(a, b), required, optionalSeen > 0)
    this.recorder = limits.verbose ? new LongestRecorder<State>(limits.maxLongest) : undefined
    this.stackOp = new Int32Array(n)
    this.stackAlt = new Int32Array(n)
    this.stackHash = new Int32Array(n)
    this.stackForced = new Uint8Array(n)
    this.stackState = new Array<State>(n)
    this.stackAlts = new Array<readonly State[]>(n)
    this.state = model.init()
    this.stateHash = numericHash(model.hash(this.state))
  }

  run(budget: number): SearchOutcome<State> | typeof REQUIRE_TAIL | undefined {
    const { model, next, optional, placeable, kind, rank, kindPlaced, placed: set, keys, signatureBit, bitHolders, cache, recorder } = this
    const { stackOp, stackAlt, stackHash, stackForced, stackState, stackAlts } = this
    const { inputs, outputs, readOnly } = this.p
    const HEAD = 2 * this.p.n
    const limits = this.limits
    let { steps, depth, state, stateHash, setHash, signature, remaining, optionalLeft, entry, phase, fresh } = this

    if (!this.started) {
      this.started = true
      recorder?.offer(0, stackOp, stackState, state)
      if (remaining === 0) return this.finish(depth, state, steps)
    }

    while (true) {
      if (steps >= budget) {
        // Between two nodes' work: resuming here redoes nothing.
        this.steps = steps
        this.depth = depth
        this.state = state
        this.stateHash = stateHash
        this.setHash = setHash
        this.signature = signature
        this.remaining = remaining
        this.optionalLeft = optionalLeft
        this.entry = entry
        this.phase = phase
        this.fresh = fresh
        return undefined
      }
      let op = -1
      let alts: readonly State[] = NO_STATES
      let from = 0
      let forced = false
      let exhausted = false

      if (fresh) {
        fresh = false
        phase = 0
        entry = next[HEAD]!
        for (let e = entry; e !== -1 && (e & 1) === 0; e = next[e]!) {
          const candidate = e >>> 1
          if (readOnly[candidate] === 0 || optional[candidate] === 1) continue
          steps++
          if ((steps & 4095) === 0) {
            const stop = stopReason(limits)
            if (stop !== undefined) return this.outcome('unknown', steps, stop)
          }
          const after = model.step(state, inputs[candidate]!, outputs[candidate])
          if (after.length === 0) continue
          if (after.length > 1 || (after[0] !== state && !model.equal(after[0]!, state))) {
            throw new Error(`the model says operation ${candidate} of this partition is read-only (isReadOnly), but its step changed the state`)
          }
          op = candidate
          alts = after
          forced = true
          break
        }
        if (!forced) continue
      } else if (entry === -1 || (entry & 1) === 1) {
        // A return (or the end): no further candidate in this phase.
        if (phase === 0 && optionalLeft > 0) {
          phase = 1
          entry = next[HEAD]!
          continue
        }
        exhausted = true
      } else {
        op = entry >>> 1
        // Read-only ops were tried on arriving here: they do not fit this state.
        const skip = phase === 0 ? optional[op] === 1 || readOnly[op] === 1 : placeable[op] === 0 || rank[op] !== kindPlaced[kind[op]!]
        if (skip) {
          entry = next[entry]!
          continue
        }
        steps++
        if ((steps & 4095) === 0) {
          const stop = stopReason(limits)
          if (stop !== undefined) return this.outcome('unknown', steps, stop)
        }
        alts = model.step(state, inputs[op]!, outputs[op])
      }

      if (exhausted) {
        // Back to the nearest node with something left to try; a forced node has nothing.
        do {
          if (depth === 0) return this.outcome('illegal', steps)
          depth--
          op = stackOp[depth]!
          state = stackState[depth]!
          stateHash = stackHash[depth]!
          alts = stackAlts[depth]!
          stackAlts[depth] = undefined as unknown as readonly State[]
          recorder?.popped(depth)
          this.unlift(op)
          set.delete(op)
          if (optional[op] === 0) {
            setHash ^= keys[op]!
            remaining++
          } else {
            if (--bitHolders[signatureBit[op]!]! === 0) signature &= ~(1 << signatureBit[op]!)
            optionalLeft++
            kindPlaced[kind[op]!]!--
          }
        } while (stackForced[depth] === 1)
        from = stackAlt[depth]! + 1
        phase = optional[op] === 1 ? 1 : 0
      }

      let placed = false
      // If the last op placed is optional, the state before it: a state `op` reaches
      // from there too is skipped here (the optional op is absorbed). A read-only op
      // is never absorbed: it would make the optional op's step leave the state as it was.
      const before = !forced && depth > 0 && optional[stackOp[depth - 1]!] === 1 ? stackState[depth - 1] : undefined
      let withoutIt: readonly State[] | undefined
      if (from < alts.length) {
        const isOptional = optional[op] === 1
        const h = isOptional ? setHash : setHash ^ keys[op]!
        const sig = isOptional ? signature | (1 << signatureBit[op]!) : signature
        set.add(op)
        for (let k = from; k < alts.length; k++) {
          const s = alts[k]!
          if (isOptional && (s === state || model.equal(s, state))) continue
          if (before !== undefined) {
            withoutIt ??= model.step(before, inputs[op]!, outputs[op])
            let absorbed = false
            for (const t of withoutIt) if (t === s || model.equal(t, s)) absorbed = true
            if (absorbed) continue
          }
          if (cache.full) return this.outcome('unknown', steps, `memory cap: ${cache.size} cached states (maxCacheEntries)`)
          const sh = forced ? stateHash : numericHash(model.hash(s))
          if (cache.add(set, h, s, sh, sig)) {
            stackOp[depth] = op
            stackAlt[depth] = k
            stackHash[depth] = stateHash
            stackForced[depth] = forced ? 1 : 0
            stackState[depth] = state
            stackAlts[depth] = alts
            depth++
            state = s
            stateHash = sh
            setHash = h
            if (isOptional && bitHolders[signatureBit[op]!]!++ === 0) signature = sig
            placed = true
            break
          }
        }
        if (!placed) set.delete(op)
      }
      if (placed) {
        this.lift(op)
        if (optional[op] === 1) {
          optionalLeft--
          kindPlaced[kind[op]!]!++
        } else if (--remaining === 0) return this.finish(depth, state, steps)
        recorder?.offer(depth, stackOp, stackState, state)
        fresh = true
      } else if (forced) {
        // The read-only op leads to a pair already explored, so does every order from here.
        entry = -1
        phase = 1
      } else {
        entry = next[2 * op]!
      }
    }
  }

  /** Every required op is placed: append the tail ops left out, or ask for a search with them required. */
  private finish(depth: number, state: State, steps: number): SearchOutcome<State> | typeof REQUIRE_TAIL {
    const { model, stackOp, stackState } = this
    for (const op of this.tail) {
      if (this.placed.has(op)) continue
      const alts = model.step(state, this.p.inputs[op]!, this.p.outputs[op])
      if (alts.length === 0) {
        this.steps = steps
        return REQUIRE_TAIL
      }
      stackOp[depth] = op
      stackState[depth] = state
      depth++
      state = alts[0]!
    }
    this.recorder?.offer(depth, stackOp, stackState, state)
    return this.outcome('ok', steps)
  }

  private outcome(result: SearchOutcome<State>['result'], steps: number, reason?: string): SearchOutcome<State> {
    this.steps = steps
    const out: SearchOutcome<State> = { result, steps, cacheEntries: this.cache.size, cacheBytes: this.cache.bytes }
    if (reason !== undefined) out.reason = reason
    if (this.recorder) {
      out.longest = this.recorder.found
      if (result === 'illegal') explainStuck(this.p, this.order, this.optional, this.recorder, out)
    }
    return out
  }

  private lift(op: number): void {
    const { next, prev } = this
    const c = 2 * op
    const r = c + 1
    next[prev[c]!] = next[c]!
    if (next[c] !== -1) prev[next[c]!] = prev[c]!
    next[prev[r]!] = next[r]!
    if (next[r] !== -1) prev[next[r]!] = prev[r]!
  }

  private unlift(op: number): void {
    const { next, prev } = this
    const c = 2 * op
    const r = c + 1
    next[prev[r]!] = r
    if (next[r] !== -1) prev[next[r]!] = r
    next[prev[c]!] = c
    if (next[c] !== -1) prev[next[c]!] = c
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

/**
 * The candidates after the longest prefix, and what the model said to each. An
 * optional op whose step leaves the state as it is is left out: it never needs
 * placing, so it says nothing about why the others are stuck.
 */
function explainStuck<State>(
  p: Prepared<State, unknown, unknown>,
  order: Int32Array,
  optional: Uint8Array,
  recorder: LongestRecorder<State>,
  out: SearchOutcome<State>,
): void {
  const prefix = recorder.found[0]
  if (!prefix) return
  const { model } = p
  const placed = new Set(prefix.ops)
  const state = prefix.states.length > 0 ? prefix.states[prefix.states.length - 1]! : model.init()
  const stuck: { op: number; next: State[] }[] = []
  for (const node of order) {
    const op = node >>> 1
    if (placed.has(op)) continue
    if ((node & 1) === 1) break
    const next = [...model.step(state, p.inputs[op]!, p.outputs[op])]
    if (optional[op] === 1 && next.every((s) => s === state || model.equal(s, state))) continue
    stuck.push({ op, next })
  }
  out.stuck = stuck
  out.stuckState = state
}
