/** The report sections of the classic checkers (set, bank, counter, unique-ids, queue, long-fork), in that order. */
import type { CheckResult } from '../../checkers/checker.js'
import type { Op } from '../../core/op.js'
import { bankSections } from './bank.js'
import { counterSections } from './counter.js'
import { longForkSections } from './long-fork.js'
import { queueSections } from './queue.js'
import type { ReportSection } from './section.js'
import { setSections } from './set.js'
import { uniqueIdsSections } from './unique-ids.js'

export type { ReportSection }

export function classicSections(history: readonly Op[], results: CheckResult | undefined): ReportSection[] {
  return [
    ...setSections(history, results),
    ...bankSections(history, results),
    ...counterSections(history, results),
    ...uniqueIdsSections(results),
    ...queueSections(results),
    ...longForkSections(results),
  ]
}
