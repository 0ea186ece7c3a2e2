/**
 * Builds report.html for a run folder from its files, in time linear in the
 * history and memory independent of it:
 *   1. each checker result offered to the section renderers (sections/), which
 *      say which operations they show in full;
 *   2. one streaming pass over history.jsonl, folded into a bounded summary
 *      (summary.ts) while those operations are picked out (window.ts);
 *   3. the sections, the page (page.ts), and the pages sections add, written
 *      beside report.html (each atomically).
 * A section drawn from every operation of some kinds (the set, bank and
 * counter plots) folds them in that same pass, parsed one at a time, and
 * keeps only what it draws.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { CheckResult } from '../checkers/checker.js'
import type { Op } from '../core/op.js'
import { RunDir, STORE_FILES, writeAtomic } from '../core/store.js'
import { renderPage } from './page.js'
import { nodeLogFiles, runFiles } from './run-files.js'
import { SECTION_RENDERERS, type ReportSection, type SectionFold, type SectionRenderer } from './sections/index.js'
import type { ScannedOp } from './history-scan.js'
import { summarizeHistory, summarizeOps } from './summary.js'
import { WindowCollector } from './window.js'
import { esc } from './html-text.js'

export interface BuiltReport {
  path: string
  bytes: number
  warnings: string[]
}

interface Chosen {
  name: string
  result: CheckResult
  renderer: SectionRenderer
  window: WindowCollector | undefined
  /** The section's fold, or what broke it (render() then says so). */
  fold: SectionFold | { error: unknown } | undefined
}

/**
 * One visitor feeding every section's fold: a line's value is read once
 * (ScannedOp.readValue), and only when some fold wants its f. A fold that
 * throws (or a value that does not parse) ends that fold, never the pass:
 * the section then says so.
 */
function foldVisitor(chosen: readonly Chosen[]): ((op: ScannedOp) => void) | undefined {
  const folding = chosen.filter((c) => c.fold !== undefined && !('error' in c.fold))
  if (folding.length === 0) return undefined
  return (line) => {
    if (line.process === 'nemesis') return
    let op: Op | undefined
    for (const c of folding) {
      const f = c.fold!
      if ('error' in f || !f.fs.has(line.f)) continue
      try {
        op ??= { index: line.index, time: line.time, type: line.type, process: line.process, f: line.f, value: line.readValue() }
        f.add(op)
      } catch (error) {
        c.fold = { error }
      }
    }
  }
}

/** Writes `<runDir>/report.html` (and the sections' pages) and returns its path. */
export async function buildReport(runPath: string): Promise<BuiltReport> {
  const dir = new RunDir(runPath)
  const test = dir.readJson<Record<string, unknown>>('test') ?? {}
  const results = dir.readJson<CheckResult>('results')
  const warnings: string[] = []
  const historyPath = dir.file('history')
  const hasHistory = existsSync(historyPath)
  if (!hasHistory) warnings.push('this run has no history.jsonl: it ended before its first operation')

  // Which section draws each checker's result, and which operations it wants whole: known before the pass.
  const chosen: Chosen[] = []
  for (const [name, result] of Object.entries((results?.checkers ?? {}) as Record<string, CheckResult>)) {
    const renderer = SECTION_RENDERERS.find((s) => s.accepts(result))
    if (!renderer) continue
    let wants: Set<number>
    try {
      wants = new Set(renderer.wants?.(result) ?? [])
    } catch {
      wants = new Set() // render() below meets the same trouble and says so in the section
    }
    let fold: Chosen['fold']
    try {
      fold = renderer.fold?.(result)
    } catch (error) {
      fold = { error }
    }
    chosen.push({ name, result, renderer, window: wants.size > 0 ? new WindowCollector(wants) : undefined, fold })
  }
  const visitors = chosen.flatMap((c) => (c.window ? [(op: ScannedOp) => c.window!.visit(op)] : []))
  const folding = foldVisitor(chosen)
  if (folding) visitors.push(folding)
  const summary = hasHistory ? await summarizeHistory(historyPath, (w) => warnings.push(w), visitors) : summarizeOps([])

  const sections: ReportSection[] = []
  for (const c of chosen) {
    try {
      if (c.fold && 'error' in c.fold) throw c.fold.error
      const ops = c.window && hasHistory ? await c.window.finish(historyPath) : []
      const s = c.renderer.render(c.result, { name: c.name, ops, summary, test, ...(c.fold && hasHistory ? { folded: c.fold } : {}) })
      if (s) sections.push(s)
    } catch (e) {
      // A view that cannot be drawn must not cost the run its report.
      sections.push({ title: `${c.name}: no view`, html: `<p class="warn">the ${esc(c.renderer.name)} view could not be drawn: ${esc(e instanceof Error ? e.message : String(e))}</p>` })
    }
  }
  for (const s of sections) for (const [file, content] of Object.entries(s.files ?? {})) writeAtomic(join(runPath, file), content)

  const linked = [STORE_FILES.test, STORE_FILES.results, STORE_FILES.history, STORE_FILES.junit, ...sections.flatMap((s) => Object.keys(s.files ?? {}))]
  const html = renderPage({ test, results, summary, sections, nodeLogs: nodeLogFiles(runPath), files: runFiles(runPath, linked), warnings })
  const path = dir.file('report')
  writeAtomic(path, html)
  return { path, bytes: Buffer.byteLength(html), warnings }
}
