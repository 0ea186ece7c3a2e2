/**
 * Checking a recorded history, as `dstest run` and `dstest check` both do:
 * the checkers composed and folded over the history op by op (results merge
 * as false > unknown > true), and the rule that a history with no client
 * operation is judged by nobody. Every checker would call an empty history
 * valid, and that says nothing about the system: it is `unknown` (exit 2),
 * never VALID.
 *
 * Words (README "Histories"): a *client operation* is an invocation and its
 * completion, one of each process's calls; a *history record* is one line of
 * history.jsonl; nemesis operations are counted apart.
 */
import { compose, type CheckContext, type CheckResult, type Checker, type ComposedResult } from '../checkers/checker.js'
import type { HistorySource } from '../core/history/source.js'
import type { Op } from '../core/op.js'

export const NOTHING_TO_JUDGE = 'nothing to judge: the history holds no client operation'

/**
 * Counts the client operations of a history as its ops go by: invocations by
 * client processes (the nemesis is not a client). A history of completions
 * alone (as Elle takes them) counts its completions.
 */
export class ClientOperationCount {
  private invocations = 0
  private completions = 0
  records = 0

  add(op: Op): void {
    this.records++
    if (op.process === 'nemesis') return
    if (op.type === 'invoke') this.invocations++
    else this.completions++
  }

  get value(): number {
    return this.invocations > 0 ? this.invocations : this.completions
  }
}

/** The checkers' fold over a history, counting its client operations; `finish` applies the empty-history rule. */
export interface HistoryCheck {
  add(op: Op): void
  readonly counted: ClientOperationCount
  finish(source: HistorySource): Promise<ComposedResult>
}

export function foldHistoryCheck(checkers: Readonly<Record<string, Checker>>, context: CheckContext): HistoryCheck {
  const fold = compose(checkers).fold(context)
  const counted = new ClientOperationCount()
  return {
    counted,
    add(op) {
      counted.add(op)
      fold.add(op)
    },
    async finish(source) {
      // The fold is finished even for an empty history: it may hold workers to end.
      const results = (await fold.finish(source)) as ComposedResult
      if (counted.value > 0) return results
      const nothing: Record<string, CheckResult> = {}
      for (const name of Object.keys(checkers)) nothing[name] = { valid: 'unknown', summary: NOTHING_TO_JUDGE }
      return { valid: 'unknown', summary: NOTHING_TO_JUDGE, checkers: nothing }
    },
  }
}
