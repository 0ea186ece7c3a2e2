/**
 * Explaining a verdict: the longest partial linearization, the operations that
 * could not be placed after it, the state they met, and a paragraph saying so;
 * for register-like models also a short proof that the operation that could
 * not go next can never be placed (register-argument.ts). Needs a result
 * checked with `verbose: true`.
 */
import type { CheckResult, Model, Operation } from './types.js'
import { registerArgument, type Argument } from './register-argument.js'
import { sameValue, showValue, type OpInput } from './models/values.js'

export type { Argument } from './register-argument.js'

export interface ExplainedOperation {
  id: number
  clientId?: number
  description: string
}

export interface Explanation {
  partition: number
  /** The key every operation of the failing partition acts on, when they all share one. */
  key?: unknown
  /** Why the first rejected operation can never be placed, when a short proof exists (register-like models). */
  argument?: Argument
  /** The longest partial linearization: each op and the state after it. */
  linearized: (ExplainedOperation & { stateAfter: string })[]
  /** The state after the partial linearization. */
  state: string
  /** Operations that could go next, none of which leads to a full linearization. */
  stuck: (ExplainedOperation & { stepLegal: boolean; statesAfter: string[] })[]
  /** One paragraph in plain language. */
  text: string
  /** The paragraph without its first sentence and the argument: the longest order and what met it. */
  detail: string
}

/**
 * Explains an illegal result; undefined for ok/unknown results or results checked
 * without `verbose`. Pass the history to describe operations by their inputs.
 */
export function explain<S, I, O>(
  result: CheckResult<S>,
  model: Model<S, I, O>,
  history?: readonly Operation<I, O>[],
): Explanation | undefined {
  if (result.result !== 'illegal' || result.failedPartition === undefined) return undefined
  const part = result.partitions?.find((p) => p.index === result.failedPartition)
  const failure = part?.failure
  if (!part || !failure) return undefined
  const byId = new Map<number, Operation<I, O>>()
  history?.forEach((op, i) => byId.set(op.id ?? i, op))
  const showState = (s: S): string => (model.describeState ? model.describeState(s) : JSON.stringify(s) ?? String(s))
  const describe = (id: number): ExplainedOperation => {
    const op = byId.get(id)
    if (!op) return { id, description: `op ${id}` }
    const output = op.return === undefined || op.return === Infinity ? undefined : op.output
    const text = model.describeOperation ? model.describeOperation(op.input, output) : `${JSON.stringify(op.input)} → ${JSON.stringify(output)}`
    return { id, clientId: op.clientId, description: text }
  }
  const linearized = failure.prefix.ops.map((id, i) => ({ ...describe(id), stateAfter: showState(failure.prefix.states[i]!) }))
  const state = showState(failure.state)
  const stuck = failure.stuck.map((s) => ({ ...describe(s.id), stepLegal: s.next.length > 0, statesAfter: s.next.map(showState) }))
  const who = (o: ExplainedOperation): string => `op ${o.id}${o.clientId === undefined ? '' : ` (client ${o.clientId})`}: ${o.description}`
  const consistency = result.consistency === 'sequential' ? 'sequentially consistent' : 'linearizable'
  const rejected = stuck.filter((s) => !s.stepLegal)
  const deadEnds = stuck.filter((s) => s.stepLegal)
  const key = keyOf(part.opIds.map((id) => byId.get(id)))
  const where = key.found ? ` on key ${showValue(key.key)}` : result.stats.partitions > 1 ? ` (part ${part.index + 1} of ${result.stats.partitions})` : ''
  let argument: Argument | undefined
  if (result.consistency !== 'sequential' && history) {
    // Ids default to positions in the history: the argument names operations by id.
    const ops = part.opIds.flatMap((id) => {
      const op = byId.get(id)
      return op ? [{ ...op, id }] : []
    }) as unknown as Operation<OpInput, unknown>[]
    for (const s of rejected) {
      argument = registerArgument(model as unknown as Model<S, OpInput, unknown>, ops, s.id)
      if (argument) break
    }
  }
  const headline = [
    `The history is not ${consistency}${where}.`,
    ...(argument ? [argument.text.replace(/^On key [^,]*, /, '').replace(/^./, (c) => c.toUpperCase())] : []),
  ]
  const parts = [
    linearized.length === 0
      ? `Not even the first operation can be placed: the object starts in state ${state}.`
      : `The longest order found places ${linearized.length} of ${part.opIds.length} operations, ending with ${who(linearized[linearized.length - 1]!)}, and leaves the object in state ${state}.`,
  ]
  if (stuck.length === 0) parts.push('After it, no operation may go next without breaking real-time or program order.')
  if (rejected.length > 0) {
    parts.push(
      `From that state the model rejects ${rejected.slice(0, 3).map(who).join('; ')}${rejected.length > 3 ? ` and ${rejected.length - 3} more` : ''}.`,
    )
  }
  if (deadEnds.length > 0) {
    parts.push(
      `${deadEnds.length === 1 ? 'One other operation fits' : `${deadEnds.length} other operations fit`} (${deadEnds.slice(0, 3).map(who).join('; ')}), but every order continuing from ${deadEnds.length === 1 ? 'it' : 'them'} was tried and fails later.`,
    )
  }
  parts.push(
    result.consistency === 'sequential'
      ? 'Every completed operation must be placed, in its client\'s program order, so no valid order exists.'
      : 'Every completed operation must take effect between its invocation and its completion, so no valid order exists.',
  )
  return {
    partition: part.index,
    ...(key.found ? { key: key.key } : {}),
    ...(argument ? { argument } : {}),
    linearized,
    state,
    stuck,
    text: [...headline, ...parts].join(' '),
    detail: parts.join(' '),
  }
}

/** The key all the operations act on (`input.key`), if they share one. */
function keyOf(ops: readonly (Operation<unknown, unknown> | undefined)[]): { found: boolean; key?: unknown } {
  const first = ops.find((op) => op !== undefined)
  const key = (first?.input as { key?: unknown } | undefined)?.key
  if (key === undefined) return { found: false }
  for (const op of ops) if (op && !sameValue((op.input as { key?: unknown }).key, key)) return { found: false }
  return { found: true, key }
}
