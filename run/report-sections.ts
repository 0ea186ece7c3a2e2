/**
 * Views that checkers contribute to report.html. The linearizability view is
 * also written as its own page (linearizability.html) next to the results.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CheckResult } from '../checkers/checker.js'
import { toOperations, type LinearizableResult } from '../checkers/linearizable.js'
import { createModel, renderHtml } from '../checkers/linearizability/index.js'
import type { Op } from '../core/op.js'
import { faultWindows } from '../report/latency.js'

function isLinearizableFailure(r: CheckResult): r is LinearizableResult & { detail: NonNullable<LinearizableResult['detail']> } {
  return r.valid === false && typeof r.model === 'string' && typeof r.detail === 'object' && r.detail !== null && 'modelSpec' in r
}

/** Writes `<runDir>/<checker>.html` for each failed linearizability checker and returns report sections. */
export function linearizabilitySections(runDir: string, history: readonly Op[], results: CheckResult | undefined): { title: string; html: string }[] {
  const checkers = (results?.checkers ?? {}) as Record<string, CheckResult>
  const out: { title: string; html: string }[] = []
  for (const [name, r] of Object.entries(checkers)) {
    if (!isLinearizableFailure(r)) continue
    const operations = toOperations(history, r.independent, r.nilReadIsUnknown)
    const faults = faultWindows(history).map((f) => ({ start: f.startIndex, end: f.endIndex, label: f.label }))
    // The page prints its verdict after the title, so the title names only what was checked.
    const what = `${r.failedKey !== undefined ? `key ${JSON.stringify(r.failedKey)}, ` : ''}model ${r.model}`
    const page = renderHtml(operations, r.detail, createModel(r.modelSpec), { faults, maxOps: 60, title: `${name}: ${what}` })
    const file = `${name}.html`
    writeFileSync(join(runDir, file), page)
    const srcdoc = page.replace(/&/g, '&amp;').replace(/"/g, '&quot;')
    out.push({
      title: `Why it is not ${r.consistency === 'sequential' ? 'sequentially consistent' : 'linearizable'} (${name})`,
      html:
        (r.explanation ? `<p>${r.explanation.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>` : '') +
        `<p><a href="${file}">open the full view</a></p><iframe title="${name} counterexample" srcdoc="${srcdoc}" style="width:100%;height:560px;border:1px solid #dee2e6" onload="this.style.height=(this.contentDocument.documentElement.offsetHeight+2)+'px'"></iframe>`,
    })
  }
  return out
}
