/** Builds report.html for a stored run from its files (used by run, check and report). */
import { writeFileSync } from 'node:fs'
import { readHistoryJsonl } from '../core/history/jsonl.js'
import { RunDir } from '../core/store.js'
import type { CheckResult } from '../checkers/checker.js'
import { renderReport } from '../report/html.js'
import type { Op } from '../core/op.js'
import { linearizabilitySections } from './report-sections.js'
import { classicSections } from '../report/sections/index.js'

export async function writeReport(runPath: string, history?: readonly Op[]): Promise<string> {
  const dir = new RunDir(runPath)
  const test = dir.readJson<Record<string, unknown>>('test') ?? {}
  const results = dir.readJson<CheckResult>('results')
  const ops = history ?? (await readHistoryJsonl(dir.file('history'))).history
  const sections = [...linearizabilitySections(runPath, ops, results), ...classicSections(ops, results)]
  const html = renderReport({ test, history: ops, results, sections })
  const path = dir.file('report')
  writeFileSync(path, html)
  return path
}
