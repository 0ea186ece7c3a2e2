/**
 * The counterexample of a linearizability (or sequential) checker that found
 * no valid order: the failing key's operations around the failure, read whole
 * from the history, drawn by the checker library's view on the report's time
 * axis, with the fault windows in lanes, the argument in words, and the raw
 * history lines of the window. Also written as its own page, `<checker>.html`.
 */
import type { CheckResult } from '../../checkers/checker.js'
import { toOperations, type LinearizableResult } from '../../checkers/linearizable.js'
import { createModel, explain, renderHtml, type Fault, type Operation, type OpInput } from '../../checkers/linearizability/index.js'
import type { Op } from '../../core/op.js'
import { esc } from '../html-text.js'
import type { ReportSection, SectionRenderer } from './section.js'

type Failed = LinearizableResult & { detail: NonNullable<LinearizableResult['detail']> }

/** Operations of the failing key drawn around the failure. */
const WINDOW = 300

function failedPartition(r: Failed) {
  return r.detail.partitions?.find((p) => p.index === r.detail.failedPartition)
}

/** The operations the view centres on: the argument's, else the stuck ones and the end of the longest order. */
function keyIds(r: Failed): number[] {
  const part = failedPartition(r)
  const ids = new Set<number>()
  if (r.argument) [r.argument.stuck, r.argument.after, ...r.argument.writers].forEach((id) => ids.add(id))
  for (const s of part?.failure?.stuck ?? []) ids.add(s.id)
  const prefix = part?.failure?.prefix.ops ?? []
  for (const id of prefix.slice(-3)) ids.add(id)
  return [...ids]
}

export const linearizabilitySection: SectionRenderer<Failed> = {
  name: 'linearizability',
  accepts(r: CheckResult): r is Failed {
    return r.valid === false && typeof r.model === 'string' && typeof r.detail === 'object' && r.detail !== null && 'modelSpec' in r
  },
  wants(r) {
    const ids = [...(failedPartition(r)?.opIds ?? [])].sort((a, b) => a - b)
    const centre = keyIds(r)[0]
    const at = Math.max(0, ids.indexOf(centre ?? -1))
    const from = Math.max(0, Math.min(at - Math.floor(WINDOW * 0.7), ids.length - WINDOW))
    return new Set([...ids.slice(from, from + WINDOW), ...keyIds(r)])
  },
  render(r, context) {
    const model = createModel(r.modelSpec)
    const operations = windowOperations(context.ops, r)
    const fromWindow = explain(r.detail, model, operations)
    // The argument was made from the whole history when the check ran; one made from a window could overlook a write outside it.
    const explanation = fromWindow && {
      ...fromWindow,
      text: r.explanation ?? fromWindow.text,
      ...(r.argument ? { argument: r.argument } : { argument: undefined }),
    }
    const faults: Fault[] = context.summary.faults.map((f) => ({ start: f.start, end: f.end, label: f.label || f.kind, kind: f.kind, uncertain: f.uncertain }))
    const key = r.failedKey !== undefined ? `key ${JSON.stringify(r.failedKey)}, ` : ''
    const options = { faults, maxOps: WINDOW, unit: 'seconds' as const, ...(explanation ? { explanation } : {}), title: `${context.name}: ${key}model ${r.model}` }
    const page = renderHtml(operations, r.detail, model, options)
    const view = renderHtml(operations, r.detail, model, { ...options, fragment: true })
    const file = `${context.name}.html`
    const marked = keyIds(r)
      .map((id) => operations.find((o) => o.id === id))
      .filter((o): o is Operation<OpInput, unknown> => o !== undefined)
    const section: ReportSection = {
      title: `Why it is not ${r.consistency === 'sequential' ? 'sequentially consistent' : 'linearizable'} (${context.name}${r.failedKey !== undefined ? `, key ${JSON.stringify(r.failedKey)}` : ''})`,
      html: `${view}<p><a href="${esc(file)}">this view on its own page</a></p>${rawLines(context.ops, keyIds(r))}`,
      files: { [file]: page },
    }
    if (marked.length > 0) {
      const ends = marked.flatMap((o) => (o.return !== undefined && o.return !== Infinity ? [o.call, o.return] : [o.call]))
      section.mark = { from: Math.min(...ends), to: Math.max(...ends), label: `anomaly: ${context.name}${r.failedKey !== undefined ? ` key ${JSON.stringify(r.failedKey)}` : ''}` }
    }
    return section
  },
}

/**
 * The window's operations as the checker library sees them (Jepsen's meaning
 * of ok/fail/info, as the check had them), named by their history index and
 * placed at their real times in seconds.
 */
function windowOperations(ops: readonly Op[], r: Failed): Operation<OpInput, unknown>[] {
  const converted = toOperations(ops, r.independent, r.nilReadIsUnknown)
  return converted.map((op) => {
    const call = ops[op.call]!
    const ret = op.return === undefined || op.return === Infinity ? undefined : ops[op.return]
    return { ...op, id: call.index, call: call.time / 1e9, return: ret ? ret.time / 1e9 : Infinity }
  })
}

/** The history lines of the window as they are on disk, the marked operations' lines first in bold. */
function rawLines(ops: readonly Op[], marked: readonly number[]): string {
  const markedSet = new Set(marked)
  const partnerOf = new Map<number | 'nemesis', number>()
  const bold = new Set<number>()
  for (const op of ops) {
    if (op.type === 'invoke') {
      partnerOf.set(op.process, op.index)
      if (markedSet.has(op.index)) bold.add(op.index)
    } else if (markedSet.has(partnerOf.get(op.process) ?? -1)) bold.add(op.index)
  }
  const rows = ops.map((op) => {
    const cells = [op.index, (op.time / 1e9).toFixed(6), op.process, op.type, op.f, JSON.stringify(op.value) ?? '', op.node ?? '', op.error ?? '']
    return `<tr${bold.has(op.index) ? ' class="marked"' : ''}>${cells.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`
  })
  return `<details><summary>the ${ops.length} history lines of this window</summary><table class="lines"><tr><th>index</th><th>time (s)</th><th>process</th><th>type</th><th>f</th><th>value</th><th>node</th><th>error</th></tr>${rows.join('')}</table></details>`
}
