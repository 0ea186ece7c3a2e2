/**
 * The reference the search is tested against: tries every order of the
 * operations that respects the ordering constraints, with no memoisation, no
 * linked list and no partitioning. Exponential; for histories of a few ops only.
 *
 * - linearizable: a completed op that returned before another was called must
 *   come first.
 * - sequential: a completed op comes before every later-invoked op of its client.
 * Ops that never completed may be left out; completed ones must all be placed.
 */
import type { Consistency, Model, Operation } from '../../../../checkers/linearizability/index.js'

export function bruteForce<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], consistency: Consistency): boolean {
  const n = ops.length
  const done = ops.map((op) => op.return !== undefined && op.return !== Infinity)
  const before: boolean[][] = ops.map((a) =>
    ops.map((b) => {
      if (a === b || a.return === undefined || a.return === Infinity) return false
      return consistency === 'linearizable' ? a.return < b.call : a.clientId === b.clientId && a.call < b.call
    }),
  )
  const placed = new Array<boolean>(n).fill(false)
  const completedTotal = done.filter(Boolean).length

  const extend = (state: S, completedPlaced: number): boolean => {
    if (completedPlaced === completedTotal) return true
    for (let j = 0; j < n; j++) {
      if (placed[j]) continue
      let ready = true
      for (let i = 0; i < n; i++) if (!placed[i] && before[i]![j]) ready = false
      if (!ready) continue
      const op = ops[j]!
      const output = done[j] ? op.output : undefined
      for (const next of model.step(state, op.input, output)) {
        placed[j] = true
        const ok = extend(next, completedPlaced + (done[j] ? 1 : 0))
        placed[j] = false
        if (ok) return true
      }
    }
    return false
  }
  return extend(model.init(), 0)
}

/**
 * The same question, answered by a plain depth-first search with a memo of
 * (placed ops, state) pairs and nothing else (no reduction of any kind):
 * linearizability only, histories of up to 30 ops. Fast enough for the
 * 12–16-op histories with many timeouts where the search's reductions matter.
 */
export function memoisedReference<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): boolean {
  const n = ops.length
  if (n > 30) throw new Error('memoisedReference: at most 30 ops')
  const done = ops.map((op) => op.return !== undefined && op.return !== Infinity)
  // mustPrecede[j]: mask of the completed ops that returned before op j was called.
  const mustPrecede = ops.map((b) => ops.reduce((mask, a, i) => (done[i] && a.return! < b.call ? mask | (1 << i) : mask), 0))
  const required = done.reduce((mask, d, i) => (d ? mask | (1 << i) : mask), 0)
  const seen = new Map<number, S[]>()

  const extend = (state: S, placed: number): boolean => {
    if ((placed & required) === required) return true
    const states = seen.get(placed) ?? []
    if (states.some((s) => model.equal(s, state))) return false
    states.push(state)
    seen.set(placed, states)
    for (let j = 0; j < n; j++) {
      if ((placed >> j) & 1 || (mustPrecede[j]! & placed) !== mustPrecede[j]) continue
      const op = ops[j]!
      for (const next of model.step(state, op.input, done[j] ? op.output : undefined)) {
        if (extend(next, placed | (1 << j))) return true
      }
    }
    return false
  }
  return extend(model.init(), 0)
}
