/**
 * The transactional checkers (checkers/elle/) as dstest Checkers: list-append
 * and rw-register histories, checked against consistency models.
 *
 * The result keeps the library's plain data (anomaly types, cases with their
 * cycles and labelled steps, the ruled-out models) for results.json and the
 * report, with the verdict's one-line summary and a plain-text explanation.
 * A history that is not of the checker's kind is bad input (exit 3), not a
 * crash.
 */
import { DstestError, UnknownNameError } from '../core/errors.js'
import type { Op } from '../core/op.js'
import type { CheckResult, Checker } from './checker.js'
import {
  canonicalModel,
  check,
  consistencyModelNames,
  DEFAULT_MODELS,
  ElleInputError,
  renderText,
  type DataModel,
  type ElleResult,
} from './elle/index.js'

export interface ElleCheckerOptions {
  /** Models the history must satisfy (default strict-serializable). */
  consistencyModels?: readonly string[]
  /** Seconds of cycle search per strongly connected component before it is left undecided. */
  timeLimitSeconds?: number
  /** Report reads of values nobody wrote (default true). */
  garbageReads?: boolean
}

export type ElleCheckResult = CheckResult & Omit<ElleResult, 'valid' | 'summary'> & { explanation?: string }

function elleChecker(dataModel: DataModel, options: ElleCheckerOptions): Checker {
  const models = (options.consistencyModels ?? DEFAULT_MODELS).map((name) => {
    const m = canonicalModel(name)
    if (!m) throw new UnknownNameError('consistency model', name, consistencyModelNames)
    return m
  })
  return {
    name: dataModel,
    check(history: Op[]): ElleCheckResult {
      let result: ElleResult
      try {
        result = check(history, dataModel, {
          consistencyModels: models,
          ...(options.timeLimitSeconds === undefined ? {} : { budget: { ms: options.timeLimitSeconds * 1000 } }),
          ...(options.garbageReads === undefined ? {} : { garbageReads: options.garbageReads }),
        })
      } catch (e) {
        if (e instanceof ElleInputError) {
          throw new DstestError('E_HISTORY', `not a ${dataModel} history: ${e.message}`, {
            fix: `check it with the checker its transactions were written for (see \`dstest list checkers\`)`,
          })
        }
        throw e
      }
      const { valid, summary, ...rest } = result
      const out: ElleCheckResult = { valid, summary, ...rest }
      if (result.anomalyTypes.length > 0) out.explanation = renderText(result)
      return out
    },
  }
}

export function listAppend(options: ElleCheckerOptions = {}): Checker {
  return elleChecker('list-append', options)
}

export function rwRegister(options: ElleCheckerOptions = {}): Checker {
  return elleChecker('rw-register', options)
}
