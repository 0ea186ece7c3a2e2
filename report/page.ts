/**
 * report.html as one string: the verdict and what it rests on, the run's
 * facts, the checkers, the timeline figure (plots/figure.ts), the fault
 * windows in a table, the checkers' own sections, and links to the node logs
 * and the run's files. Everything it draws comes from the summary and the
 * sections, so its size does not depend on the history's length.
 */
import type { CheckResult } from '../checkers/checker.js'
import { esc } from './html-text.js'
import { faultLanes } from './faults.js'
import { timelineFigure } from './plots/figure.js'
import { kindColor } from './plots/fault-lanes.js'
import { OUTCOME_COLORS, QUANTILES } from './plots/latency.js'
import { bytesText, href, type LinkedFile } from './run-files.js'
import type { ReportSection } from './sections/index.js'
import { failedShare, type HistorySummary } from './summary.js'

export interface PageInput {
  test: Record<string, unknown>
  results: CheckResult | undefined
  summary: HistorySummary
  sections: readonly ReportSection[]
  nodeLogs: { files: readonly LinkedFile[]; more: number }
  files: readonly LinkedFile[]
  warnings: readonly string[]
}

/** Rows of the faults table shown; the rest are counted. */
const MAX_FAULT_ROWS = 1000
/** A longer faults table starts folded. */
const OPEN_FAULT_ROWS = 20

function verdict(v: unknown): [string, string] {
  return v === true ? ['VALID', '#2b8a3e'] : v === false ? ['INVALID', '#c92a2a'] : ['UNKNOWN', '#e67700']
}

const n = (x: number): string => x.toLocaleString('en-US')
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2))

export function renderPage(input: PageInput): string {
  const { test, results, summary } = input
  const [word, color] = verdict(results?.valid)
  const spec = (test.spec ?? {}) as Record<string, unknown>
  const c = summary.clientOps
  const done = c.ok + c.fail + c.info
  const ok = summary.latency.ok
  const warnings = [...input.warnings]
  if (typeof test.error === 'string') warnings.unshift(`the run ended with an error: ${test.error}`)
  const share = failedShare(summary)
  if (done > 0 && share > 0.5) {
    warnings.push(
      `most operations did not succeed: ${n(c.fail + c.info)} of ${n(done)} (${Math.round(share * 100)}%) ended fail or info, so the checkers had little to judge; look at the node logs and the faults below`,
    )
  }
  if (summary.faultsDropped > 0) warnings.push(`${n(summary.faultsDropped)} more fault windows than the report draws were left out`)
  const byF = Object.entries(summary.byF)
    .map(([f, x]) => `${f} ${n(x.ok)} ok / ${n(x.fail)} fail / ${n(x.info)} info${x.open ? ` / ${n(x.open)} never completed` : ''}`)
    .join('; ')
  const facts: [string, string][] = [
    ['test', String(test.name ?? '')],
    ['seed', String(test.seed ?? '')],
    ['target', String(spec.target ?? '')],
    ['workload', String(spec.workload ?? '')],
    ['bug', String(spec.bug ?? 'none')],
    ['nemesis', Array.isArray(spec.nemesis) ? spec.nemesis.join(', ') : String(spec.nemesis ?? '')],
    ['nodes', Array.isArray(test.nodes) ? (test.nodes as { name?: unknown }[]).map((x) => String(x.name)).join(' ') : 'not recorded'],
    ['concurrency', String(spec.concurrency ?? '')],
    ['started', String(test.startedAt ?? '')],
    ['duration', typeof test.seconds === 'number' ? `${test.seconds.toFixed(1)} s in all; the history spans ${summary.endSeconds.toFixed(1)} s from the start of the workload` : `the history spans ${summary.endSeconds.toFixed(1)} s`],
    ['client operations', `${n(c.invoked)} invoked: ${n(c.ok)} ok, ${n(c.fail)} fail, ${n(c.info)} info${c.open ? `, ${n(c.open)} never completed` : ''}`],
    ['by operation', byF],
    ['latency of ok operations', ok.count ? `p50 ${ms(ok.quantile(0.5))} ms, p95 ${ms(ok.quantile(0.95))} ms, p99 ${ms(ok.quantile(0.99))} ms, max ${ms(ok.max)} ms (quantiles within 6%)` : 'none completed ok'],
  ]
  const checkers = Object.entries((results?.checkers as Record<string, CheckResult> | undefined) ?? {})
  const checkerRows = checkers
    .map(([name, r]) => {
      const [w, col] = verdict(r.valid)
      return `<tr><td>${esc(name)}</td><td style="color:${col};font-weight:600">${w}</td><td>${esc(r.summary ?? '')}</td></tr>`
    })
    .join('')

  const lanes = faultLanes(summary.faults)
  const marks = input.sections.flatMap((s) => (s.mark ? [s.mark] : []))
  const legend = [
    ...(['ok', 'fail', 'info'] as const).map((o) => `<span><i style="background:${OUTCOME_COLORS[o]}"></i>${o}</span>`),
    '<span>(a cell mixes the colours of its operations; darker: more of them)</span>',
    ...QUANTILES.map((q) => `<span><i style="background:${q.color};height:3px"></i>${q.name}</span>`),
    '<span><i style="background:#e9ecef"></i>some fault in force</span>',
    ...(marks.length ? ['<span><i style="background:rgba(201,42,42,.25);border:1px dashed #c92a2a"></i>the anomaly\'s operations</span>'] : []),
  ].join('')
  const faultRows = summary.faults
    .slice(0, MAX_FAULT_ROWS)
    .map(
      (f, i) =>
        `<tr><td>${i + 1}</td><td><i class="sw" style="background:${kindColor(f.kind, lanes)}"></i>${esc(f.kind)}</td><td>${esc(f.label)}${f.uncertain ? ' <em>(may not have happened: its start ended info)</em>' : ''}</td><td>${f.start.toFixed(2)} s</td><td>${f.open ? 'never stopped' : `${f.end.toFixed(2)} s`}</td><td>${(f.end - f.start).toFixed(2)} s</td></tr>`,
    )
    .join('')
  const more = summary.faults.length > MAX_FAULT_ROWS ? `<p>and ${n(summary.faults.length - MAX_FAULT_ROWS)} more</p>` : ''
  const logs = input.nodeLogs.files.length
    ? `<ul class="files">${input.nodeLogs.files.map((f) => `<li><a href="${esc(href(f.path))}">${esc(f.path)}</a> <span>${bytesText(f.bytes)}</span></li>`).join('')}</ul>${input.nodeLogs.more ? `<p>and ${n(input.nodeLogs.more)} more files under nodes/</p>` : ''}`
    : '<p>none were downloaded (the target keeps no log files, or the run ended before teardown)</p>'
  const files = `<ul class="files">${input.files.map((f) => `<li><a href="${esc(href(f.path))}">${esc(f.path)}</a> <span>${bytesText(f.bytes)}</span></li>`).join('')}</ul>`

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dstest ${esc(String(test.name ?? ''))}: ${word}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#212529;padding:0 12px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dee2e6;padding-bottom:4px}
.verdict{font-size:28px;font-weight:700;color:${color}} table{border-collapse:collapse;width:100%;font-size:14px}
td,th{padding:4px 8px;border-bottom:1px solid #f1f3f5;text-align:left;vertical-align:top} .facts td:first-child{color:#868e96;width:190px}
.warn{background:#fff4e6;border-left:4px solid #e67700;padding:6px 10px;margin:8px 0}
.legend span{display:inline-block;margin-right:16px;font-size:12px} .legend i{display:inline-block;width:12px;height:10px;margin-right:5px;vertical-align:middle}
i.sw{display:inline-block;width:10px;height:10px;margin-right:6px}
.files{columns:2;font-size:13px;padding-left:18px} .files span{color:#868e96}
pre.explanation{white-space:pre-wrap;background:#f8f9fa;padding:8px;font-size:13px}
table.lines{font:12px ui-monospace,monospace} table.lines td{padding:1px 6px} table.lines tr.marked{font-weight:700;background:#fff5f5}
.note{color:#868e96;font-size:12px}
</style></head><body>
<h1>dstest report: ${esc(String(test.name ?? ''))}</h1><div class="verdict">${word}</div><p>${esc(results?.summary ?? 'no checker result')}</p>
${warnings.map((w) => `<p class="warn">${esc(w)}</p>`).join('')}
<table class="facts">${facts.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Checkers</h2><table><tr><th>checker</th><th>verdict</th><th>summary</th></tr>${checkerRows || '<tr><td colspan="3">none ran</td></tr>'}</table>
<h2>Timeline</h2><p class="legend">${legend}</p>
${timelineFigure(summary, lanes, marks)}
<p class="note">Time is seconds since the workload started, as in the run's progress lines. Latency is drawn at each operation's invocation, completions at their completion.</p>
<h2>Faults</h2>${summary.faults.length ? `<details${summary.faults.length <= OPEN_FAULT_ROWS ? ' open' : ''}><summary>${n(summary.faults.length)} fault window${summary.faults.length === 1 ? '' : 's'}</summary><table><tr><th>#</th><th>kind</th><th>what</th><th>from</th><th>to</th><th>for</th></tr>${faultRows}</table>${more}</details>` : '<p>none</p>'}
${input.sections.map((s) => `<h2>${esc(s.title)}</h2>${s.html}`).join('\n')}
<h2>Node logs</h2>${logs}
<h2>Files</h2>${files}
</body></html>
`
}
