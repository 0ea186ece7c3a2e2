/**
 * Literal histories for checker tests: each call appends one op with the next
 * index and a time of index × 1 ms, so "later in the history" is "later in time".
 */
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { compose, type CheckResult, type Checker, type ComposedResult } from '../../../checkers/checker.js'
import { historyOfOps } from '../../../core/history/source.js'
import { join, resolve } from 'node:path'
import { importJepsenHistory, importJepsenJson } from '../../../core/history/edn-import.js'
import type { Op, OpType, Process } from '../../../core/op.js'

export class HistoryBuilder {
  readonly ops: Op[] = []

  private push(type: OpType, process: Process, f: string, value: unknown, error?: string): this {
    const index = this.ops.length
    this.ops.push({ index, time: index * 1e6, type, process, f, value, ...(error === undefined ? {} : { error }) })
    return this
  }
  invoke(process: Process, f: string, value: unknown = null): this {
    return this.push('invoke', process, f, value)
  }
  ok(process: Process, f: string, value: unknown = null): this {
    return this.push('ok', process, f, value)
  }
  fail(process: Process, f: string, value: unknown = null, error = 'refused'): this {
    return this.push('fail', process, f, value, error)
  }
  info(process: Process, f: string, value: unknown = null, error = 'timeout'): this {
    return this.push('info', process, f, value, error)
  }
  /** An invocation immediately completed: the op does not overlap any other. */
  call(process: Process, f: string, value: unknown, result: unknown = value, type: 'ok' | 'fail' | 'info' = 'ok'): this {
    this.invoke(process, f, value)
    return this.push(type, process, f, result)
  }
}

export const context = { concurrency: 4, nodes: ['n1', 'n2', 'n3'] }

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/elle/ligurio-elle-cli/histories/jepsen')

/** A vendored Jepsen history (test/fixtures/elle/ligurio-elle-cli/histories/jepsen/, see test/fixtures/README.md), .edn or .json. */
export function jepsenFixture(name: string): Op[] {
  const path = join(FIXTURES, name)
  const text = readFileSync(path, 'utf8')
  return name.endsWith('.json') ? importJepsenJson(text, path) : importJepsenHistory(text, path)
}

/** `checker`'s result by its fold, the ops added one by one as a run records them (the source holds the same ops). */
export async function folded(checker: Checker, history: readonly Op[]): Promise<CheckResult> {
  const fold = checker.fold!(context)
  for (const op of history) fold.add(op)
  return fold.finish(historyOfOps(history))
}

/** Both forms of `checker` on `history`, which must agree (its fold also as `compose` folds it, as a run does): returns the whole-history result. */
export async function checkedBothWays(checker: Checker, history: Op[]): Promise<CheckResult> {
  const whole = await checker.check(history, context)
  expect(await folded(checker, history)).toEqual(whole)
  const composed = (await folded(compose({ it: checker }), history)) as ComposedResult
  expect(composed.checkers.it).toEqual(whole)
  return whole
}
