/**
 * report.html: one self-contained page per run (no network needed to view it):
 * verdict, checker results, latency and throughput with fault windows shaded,
 * and the linearizability counterexample view when a checker produced one.
 */
import type { Op } from '../core/op.js'
import type { CheckResult } from '../checkers/checker.js'
import { faultWindows, latencyPoints, latencyStats, throughput } from './latency.js'
import { latencySvg, throughputSvg } from './svg.js'

export interface ReportInput {
  test: Record<string, unknown>
  history: readonly Op[]
  results: CheckResult | undefined
  /** Extra HTML fragments by title (e.g. the linearizability view), already escaped. */
  sections?: { title: string; html: string }[]
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function verdict(v: unknown): [string, string] {
  return v === true ? ['VALID', '#2b8a3e'] : v === false ? ['INVALID', '#c92a2a'] : ['UNKNOWN', '#e67700']
}

export function renderReport(input: ReportInput): string {
  const { test, history, results } = input
  const points = latencyPoints(history)
  const faults = faultWindows(history)
  const xMax = (history[history.length - 1]?.time ?? 0) / 1e9
  const ok = latencyStats(points)
  const counts = { ok: 0, fail: 0, info: 0 }
  for (const p of points) counts[p.type]++
  const [word, color] = verdict(results?.valid)
  const checkers = Object.entries((results?.checkers as Record<string, CheckResult> | undefined) ?? {})
  const rows = checkers
    .map(([name, r]) => {
      const [w, c] = verdict(r.valid)
      return `<tr><td>${esc(name)}</td><td style="color:${c};font-weight:600">${w}</td><td>${esc(r.summary ?? '')}</td></tr>`
    })
    .join('')
  const spec = (test.spec ?? {}) as Record<string, unknown>
  const facts: [string, unknown][] = [
    ['test', test.name],
    ['seed', test.seed],
    ['target', spec.target],
    ['workload', spec.workload ?? ''],
    ['bug', spec.bug ?? 'none'],
    ['nemesis', Array.isArray(spec.nemesis) ? spec.nemesis.join(', ') : spec.nemesis],
    ['nodes', Array.isArray(test.nodes) ? (test.nodes as { name: string }[]).map((n) => n.name).join(' ') : ''],
    ['concurrency', spec.concurrency],
    ['started', test.startedAt],
    ['duration', typeof test.seconds === 'number' ? `${test.seconds.toFixed(1)} s` : ''],
    ['operations', `${points.length} completed: ${counts.ok} ok, ${counts.fail} fail, ${counts.info} info`],
    ['latency (ok)', `p50 ${ok.p50.toFixed(2)} ms, p95 ${ok.p95.toFixed(2)} ms, p99 ${ok.p99.toFixed(2)} ms, max ${ok.max.toFixed(1)} ms`],
  ]
  const error = typeof test.error === 'string' ? `<p class="err">run error: ${esc(test.error)}</p>` : ''
  const extra = (input.sections ?? []).map((s) => `<h2>${esc(s.title)}</h2>${s.html}`).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dstest ${esc(String(test.name ?? ''))}: ${word}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:980px;color:#212529;padding:0 12px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dee2e6;padding-bottom:4px}
.verdict{font-size:28px;font-weight:700;color:${color}} table{border-collapse:collapse;width:100%;font-size:14px}
td,th{padding:4px 8px;border-bottom:1px solid #f1f3f5;text-align:left;vertical-align:top} .facts td:first-child{color:#868e96;width:140px}
.err{color:#c92a2a} .legend span{display:inline-block;margin-right:14px;font-size:12px} .dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:4px}
</style></head><body>
<h1>dstest report</h1><div class="verdict">${word}</div><p>${esc(results?.summary ?? 'no checker result')}</p>${error}
<table class="facts">${facts.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(String(v ?? ''))}</td></tr>`).join('')}</table>
<h2>Checkers</h2><table><tr><th>checker</th><th>verdict</th><th>summary</th></tr>${rows || '<tr><td colspan="3">none ran</td></tr>'}</table>
<h2>Latency</h2><div class="legend"><span><i class="dot" style="background:#2b8a3e"></i>ok</span><span><i class="dot" style="background:#e67700"></i>fail</span><span><i class="dot" style="background:#c92a2a"></i>info</span><span>shaded: fault windows</span></div>
${latencySvg(points, faults, xMax)}
<h2>Throughput</h2>${throughputSvg(throughput(points), faults, xMax)}
<h2>Faults</h2>${faults.length ? `<table><tr><th>fault</th><th>from</th><th>to</th></tr>${faults.map((f) => `<tr><td>${esc(f.label)}</td><td>${f.start.toFixed(2)} s</td><td>${f.end.toFixed(2)} s</td></tr>`).join('')}</table>` : '<p>none</p>'}
${extra}
</body></html>
`
}
