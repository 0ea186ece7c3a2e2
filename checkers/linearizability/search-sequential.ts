/**
 * Sequential consistency search for one partition: the same memoised depth-first
 * search as the linearizability search, without the real-time constraint. An
 * operation may go next when every earlier completed operation of its own client
 * has been placed (program order). Operations that never completed are optional
 * and tried after the completed candidates; like in the linearizable search they
 * constrain nothing that comes after them.
 */
import { StateCache, numericHash } from './cache.js'
import { LinearizedSet, requiredWords } from './linearized-set.js'
import { LongestRecorder, stopReason, zobristKeys, type Prepared, type SearchLimits, type SearchOutcome, type SearchRun } from './search-common.js'

interface Chains {
  clients: number
  /** Completed operations of client c: chain[chainStart[c] .. chainStart[c+1]). */
  chain: Int32Array
  chainStart: Int32Array
  /** Operations that never completed, and how many completed ops of their client precede them. */
  pendingOps: Int32Array
  pendingNeed: Int32Array
  clientOf: Int32Array
  pendingIndex: Int32Array
}

function buildChains(p: Prepared<unknown, unknown, unknown>): Chains {
  const { n } = p
  const ids = new Map<number, number>()
  const clientOf = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let c = ids.get(p.clients[i]!)
    if (c === undefined) ids.set(p.clients[i]!, (c = ids.size))
    clientOf[i] = c
  }
  const clients = ids.size
  const byCall = Array.from({ length: n }, (_, i) => i).sort((a, b) => p.calls[a]! - p.calls[b]! || a - b)
  const perClient: number[][] = Array.from({ length: clients }, () => [])
  const pendingOps: number[] = []
  const pendingNeed: number[] = []
  const pendingIndex = new Int32Array(n).fill(-1)
  for (const i of byCall) {
    const c = clientOf[i]!
    if (p.returns[i] === Infinity) {
      pendingIndex[i] = pendingOps.length
      pendingOps.push(i)
      pendingNeed.push(perClient[c]!.length)
    } else perClient[c]!.push(i)
  }
  const chainStart = new Int32Array(clients + 1)
  const chain = new Int32Array(n - pendingOps.length)
  let at = 0
  for (let c = 0; c < clients; c++) {
    chainStart[c] = at
    for (const i of perClient[c]!) chain[at++] = i
  }
  chainStart[clients] = at
  return {
    clients,
    chain,
    chainStart,
    pendingOps: Int32Array.from(pendingOps),
    pendingNeed: Int32Array.from(pendingNeed),
    clientOf,
    pendingIndex,
  }
}

export function* searchSequential<State, Input, Output>(
  p: Prepared<State, Input, Output>,
  limits: SearchLimits,
  firstBudget: number,
): SearchRun<State> {
  let budget = firstBudget
  const { model, n, inputs, outputs } = p
  const ch = buildChains(p)
  const C = ch.clients
  const P = ch.pendingOps.length
  const pos = new Int32Array(C)
  const pendingPlaced = new Uint8Array(P)
  let remaining = ch.chain.length

  const set = new LinearizedSet(requiredWords(Uint8Array.from(p.returns, (r) => (r === Infinity ? 1 : 0))))
  const keys = zobristKeys(n)
  // Exact pairs only: the set hash covers the ops that never completed too.
  const cache = new StateCache<State>(limits.maxCacheEntries, (a, b) => model.equal(a, b), set.required, false)
  const recorder = limits.verbose ? new LongestRecorder<State>(limits.maxLongest) : undefined

  const stackOp = new Int32Array(n)
  const stackCand = new Int32Array(n)
  const stackAlt = new Int32Array(n)
  const stackState: State[] = new Array(n)
  const stackAlts: (readonly State[])[] = new Array(n)
  let depth = 0
  let state = model.init()
  let setHash = 0
  let steps = 0
  let k = 0

  const outcome = (result: SearchOutcome<State>['result'], reason?: string): SearchOutcome<State> => {
    const out: SearchOutcome<State> = { result, steps, cacheEntries: cache.size, cacheBytes: cache.bytes }
    if (reason !== undefined) out.reason = reason
    if (recorder) {
      out.longest = recorder.found
      if (result === 'illegal') explainStuck(p, ch, recorder, out)
    }
    return out
  }

  recorder?.offer(0, stackOp, stackState, state)
  if (remaining === 0) return outcome('ok')

  while (true) {
    let op: number
    let alts: readonly State[]
    let from: number
    if (k >= C + P) {
      if (depth === 0) return outcome('illegal')
      depth--
      op = stackOp[depth]!
      k = stackCand[depth]!
      state = stackState[depth]!
      alts = stackAlts[depth]!
      from = stackAlt[depth]! + 1
      stackAlts[depth] = undefined as unknown as readonly State[]
      recorder?.popped(depth)
      set.delete(op)
      setHash ^= keys[op]!
      const pi = ch.pendingIndex[op]!
      if (pi >= 0) pendingPlaced[pi] = 0
      else {
        pos[ch.clientOf[op]!]!--
        remaining++
      }
    } else {
      if (k < C) {
        if (pos[k]! >= ch.chainStart[k + 1]! - ch.chainStart[k]!) {
          k++
          continue
        }
        op = ch.chain[ch.chainStart[k]! + pos[k]!]!
      } else {
        const pi = k - C
        op = ch.pendingOps[pi]!
        if (pendingPlaced[pi] === 1 || pos[ch.clientOf[op]!]! < ch.pendingNeed[pi]!) {
          k++
          continue
        }
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
      set.add(op)
      for (let a = from; a < alts.length; a++) {
        const s = alts[a]!
        if (cache.full) return outcome('unknown', `memory cap: ${cache.size} cached states (maxCacheEntries)`)
        if (cache.add(set, h, s, numericHash(model.hash(s)), 0)) {
          stackOp[depth] = op
          stackCand[depth] = k
          stackAlt[depth] = a
          stackState[depth] = state
          stackAlts[depth] = alts
          depth++
          state = s
          setHash = h
          placed = true
          break
        }
      }
      if (!placed) set.delete(op)
    }
    if (placed) {
      const pi = ch.pendingIndex[op]!
      if (pi >= 0) pendingPlaced[pi] = 1
      else {
        pos[ch.clientOf[op]!]!++
        remaining--
      }
      recorder?.offer(depth, stackOp, stackState, state)
      if (remaining === 0) return outcome('ok')
      k = 0
    } else {
      k++
    }
  }
}

function explainStuck<State>(
  p: Prepared<State, unknown, unknown>,
  ch: Chains,
  recorder: LongestRecorder<State>,
  out: SearchOutcome<State>,
): void {
  const prefix = recorder.found[0]
  if (!prefix) return
  const placed = new Set(prefix.ops)
  const state = prefix.states.length > 0 ? prefix.states[prefix.states.length - 1]! : p.model.init()
  const pos = new Int32Array(ch.clients)
  for (const op of prefix.ops) if (ch.pendingIndex[op]! < 0) pos[ch.clientOf[op]!]!++
  const candidates: number[] = []
  for (let c = 0; c < ch.clients; c++) {
    if (pos[c]! < ch.chainStart[c + 1]! - ch.chainStart[c]!) candidates.push(ch.chain[ch.chainStart[c]! + pos[c]!]!)
  }
  ch.pendingOps.forEach((op, pi) => {
    if (!placed.has(op) && pos[ch.clientOf[op]!]! >= ch.pendingNeed[pi]!) candidates.push(op)
  })
  out.stuck = candidates.map((op) => ({ op, next: [...p.model.step(state, p.inputs[op]!, p.outputs[op])] }))
  out.stuckState = state
}
