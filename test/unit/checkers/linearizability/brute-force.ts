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
