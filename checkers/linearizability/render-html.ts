/**
 * The counterexample view: why a history is not linearizable, readable without
 * hovering. It draws the failing key's operations on a real time axis (or on
 * history positions, for histories without times), one row per client, with
 *   - the argument in words (explain.ts), and the operations it names marked
 *     with numbers on their bars and listed under it: the one that could not
 *     go next, the one it must follow, the writes that could not come between;
 *   - the longest linearization found, numbered on the bars, and buttons (or
 *     ← →) that step through it, showing the state after each step;
 *   - zoom (buttons, + −, ctrl+wheel) and pan (drag), opening on the failure;
 *   - fault windows in lanes above the clients, one lane per kind.
 * Labels stay inside their own bars, so no label covers another operation;
 * the marked operations are drawn on top, never narrower than their number.
 *
 * Self-contained: inline CSS and a small inline script (view-script.ts), no
 * network. Only a window is drawn (`maxOps`, default 300, around the failure),
 * so a 100,000-operation history still gives a page of a few hundred kB.
 */
import { explain, type Explanation } from './explain.js'
import type { CheckResult, Model, Operation } from './types.js'
import { VIEW_SCRIPT } from './view-script.js'
import { VIEW_STYLE } from './view-style.js'

export interface Fault {
  start: number
  end: number
  label: string
  /** The fault kind: one lane per kind (default 'fault'). */
  kind?: string
  /** The fault may not have happened (its start ended info). */
  uncertain?: boolean
}

export interface RenderOptions {
  /** Fault windows, in the same unit as the operations' call and return. */
  faults?: Fault[]
  maxOps?: number
  title?: string
  /**
   * 'seconds': call and return are seconds on a real clock (the axis says s);
   * 'order' (default): they are positions in the history.
   */
  unit?: 'seconds' | 'order'
  /** An explanation made earlier from the whole history (the history given here may be a window of it). */
  explanation?: Explanation
  /** A fragment to place inside another page, not a whole page. */
  fragment?: boolean
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const json = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c')
const finite = (t: number | undefined): t is number => t !== undefined && t !== Infinity

type Role = 'stuck' | 'after' | 'writer' | 'last'
const ROLE_WORDS: Record<Role, string> = {
  stuck: 'could not go next',
  after: 'completed before it began: it must come first',
  writer: 'wrote the value it needed, but cannot come between',
  last: 'the last operation of the longest linearization',
}
const MAX_STEPS = 1000

export function renderHtml<S, I, O>(
  history: readonly Operation<I, O>[],
  result: CheckResult<S>,
  model: Model<S, I, O>,
  options: RenderOptions = {},
): string {
  const maxOps = options.maxOps ?? 300
  const seconds = options.unit === 'seconds'
  const ops = history.map((op, i) => ({ op, id: op.id ?? i }))
  const byId = new Map(ops.map((o) => [o.id, o.op]))
  const explanation = options.explanation ?? explain(result, model, history)
  const failed = result.partitions?.find((p) => p.index === result.failedPartition)
  const failure = failed?.failure
  const showState = (s: S): string => (model.describeState ? model.describeState(s) : (JSON.stringify(s) ?? String(s)))
  const describe = (op: Operation<I, O>): string => {
    const done = finite(op.return)
    const text = model.describeOperation ? model.describeOperation(op.input, done ? op.output : undefined) : JSON.stringify(op.input)
    return text + (done ? '' : ' (never completed)')
  }

  // The operations the argument names, numbered as the bars and the list show them.
  const roles = new Map<number, Role>()
  const arg = explanation?.argument
  if (arg) {
    roles.set(arg.stuck, 'stuck')
    roles.set(arg.after, 'after')
    for (const w of arg.writers) if (!roles.has(w)) roles.set(w, 'writer')
  } else {
    for (const s of failure?.stuck ?? []) if (s.next.length === 0 && roles.size < 3) roles.set(s.id, 'stuck')
    const last = failure?.prefix.ops[failure.prefix.ops.length - 1]
    if (last !== undefined && !roles.has(last)) roles.set(last, 'last')
  }
  const marks = new Map([...roles.keys()].map((id, i) => [id, i + 1]))
  const deadEnds = new Set(failure?.stuck.filter((s) => s.next.length > 0).map((s) => s.id) ?? [])
  const order = new Map<number, number>()
  failure?.prefix.ops.forEach((id, i) => order.set(id, i + 1))

  // The window: the failing partition's operations (all, if none), around the failure, with every marked one.
  const inPartition = failed ? new Set(failed.opIds) : undefined
  const candidates = ops.filter((o) => !inPartition || inPartition.has(o.id)).sort((a, b) => a.op.call - b.op.call)
  const centreId = arg?.stuck ?? failure?.stuck[0]?.id ?? failure?.prefix.ops[failure.prefix.ops.length - 1]
  const centre = Math.max(0, candidates.findIndex((o) => o.id === centreId))
  const from = Math.max(0, Math.min(centre - Math.floor(maxOps * 0.7), candidates.length - maxOps))
  const shown = candidates.slice(from, from + maxOps)
  for (const id of roles.keys()) {
    const op = byId.get(id)
    if (op && !shown.some((o) => o.id === id)) shown.push({ op, id })
  }
  shown.sort((a, b) => a.op.call - b.op.call)

  const ends = shown.flatMap((o) => (finite(o.op.return) ? [o.op.call, o.op.return] : [o.op.call]))
  const first = ends.length ? Math.min(...ends) : 0
  const lastT = ends.length ? Math.max(...ends) : 1
  const pad = Math.max((lastT - first) * 0.02, seconds ? 1e-6 : 0.5)
  const lo = first - pad
  const hi = lastT + pad
  const marked = shown.filter((o) => roles.has(o.id))
  let focus: [number, number] = [lo, hi]
  if (marked.length > 0) {
    const a = Math.min(...marked.map((o) => o.op.call))
    const b = Math.max(...marked.map((o) => (finite(o.op.return) ? o.op.return : o.op.call)))
    const margin = Math.max((b - a) * 0.08, (hi - lo) * 0.0005)
    focus = [Math.max(lo, a - margin), Math.min(hi, b + margin)]
  }

  const clients = [...new Set(shown.map((o) => o.op.clientId))].sort((a, b) => a - b)
  const row = new Map(clients.map((c, i) => [c, i]))
  const place = (a: number, b: number | undefined): string => {
    const w = hi - lo
    const end = finite(b) ? b : hi + w
    return `left:${(((a - lo) / w) * 100).toFixed(4)}%;width:${(((end - a) / w) * 100).toFixed(4)}%`
  }
  const at = (t: number): string => (seconds ? `${t.toFixed(6)} s` : `position ${t}`)
  const who = (id: number, op: Operation<I, O> | undefined): string => `op ${id}${op ? ` (client ${op.clientId})` : ''}`
  const markHtml = (id: number): string => (marks.has(id) ? `<span class="mark ${roles.get(id)}">${marks.get(id)}</span>` : '')

  const rows = clients.map(() => [] as string[])
  const tall = new Set<number>()
  const SHORT_ROLE: Record<Role, string> = { stuck: 'could not go next', after: 'must come before it', writer: 'wrote it, too early or too late', last: 'last of the longest order' }
  for (const { op, id } of shown) {
    const n = order.get(id)
    const role = roles.get(id)
    const cls = ['op', n !== undefined ? 'lin' : '', role ? `key ${role}` : '', deadEnds.has(id) ? 'deadend' : '', finite(op.return) ? '' : 'open'].filter(Boolean).join(' ')
    // The key is in the title and the heading: the bar shows the operation alone.
    const label = describe(op).replace(/^\[[^\]]*\] /, '')
    const title = `${who(id, op)}: ${describe(op)}, called ${at(op.call)}${finite(op.return) ? `, returned ${at(op.return)}` : ''}${n !== undefined ? `; step ${n} of the longest linearization` : ''}${role ? `; ${ROLE_WORDS[role]}` : ''}`
    // A marked operation shows its words, not its step number, and says them again on a line of its own under the row.
    const text = role ? label : `${n !== undefined ? `#${n} ` : ''}${label}`
    const r = row.get(op.clientId)!
    rows[r]!.push(
      `<div class="${cls}" style="${place(op.call, op.return)}" data-id="${id}" data-call="${op.call}" data-ret="${finite(op.return) ? op.return : ''}"${n !== undefined ? ` data-n="${n}"` : ''} data-label="${esc(text)}" title="${esc(title)}">${markHtml(id)}${esc(text)}</div>`,
    )
    if (role) {
      tall.add(r)
      rows[r]!.push(`<div class="keynote" style="${place(op.call, op.return)}" data-call="${op.call}">${markHtml(id)}${esc(`${label}: ${SHORT_ROLE[role]}`)}</div>`)
    }
  }

  const lanes = [...new Set((options.faults ?? []).map((f) => f.kind ?? 'fault'))]
  const laneHtml = lanes.map((kind) => {
    const windows = (options.faults ?? []).filter((f) => (f.kind ?? 'fault') === kind && f.end >= lo && f.start <= hi)
    return `<div class="lane">${windows
      .map((f) => `<div class="fault${f.uncertain ? ' uncertain' : ''}" style="${place(f.start, f.end)}" data-start="${f.start}" data-end="${f.end}" title="${esc(`${kind}: ${f.label}, ${at(f.start)} to ${at(f.end)}`)}">${esc(f.label)}</div>`)
      .join('')}</div>`
  })

  // Stepping: the longest linearization (its last MAX_STEPS steps), with the state after each.
  const prefix = failure?.prefix
  const total = prefix?.ops.length ?? 0
  const stepsBefore = Math.max(0, total - MAX_STEPS)
  const steps = (prefix?.ops ?? []).slice(stepsBefore).map((id, i) => {
    const op = byId.get(id)
    return { id, text: `${who(id, op)} ${op ? describe(op) : ''}`.trim(), state: showState(prefix!.states[stepsBefore + i]!) }
  })
  const startState = stepsBefore > 0 ? showState(prefix!.states[stepsBefore - 1]!) : showState(model.init())
  const stuckWords = (failure?.stuck ?? []).slice(0, 3).map((s) => {
    const op = byId.get(s.id)
    return `${who(s.id, op)} ${op ? describe(op) : ''} ${s.next.length === 0 ? 'cannot follow it' : 'fits, but every order after it fails'}`.replace(/\s+/g, ' ')
  })
  const endText = failure ? `Next: ${stuckWords.length ? stuckWords.join('; ') : 'no operation may go next without breaking real-time or program order'}.` : ''

  const keyList = [...roles].map(([id, role]) => {
    const op = byId.get(id)
    const when = op ? `, ${at(op.call)} to ${finite(op.return) ? at(op.return) : 'never completed'}` : ' (outside the operations given)'
    return `<li>${markHtml(id)}${esc(`${who(id, op)}: ${op ? describe(op) : ''}${when}: ${ROLE_WORDS[role]}`)}</li>`
  })
  const consistency = result.consistency === 'sequential' ? 'sequentially consistent' : 'linearizable'
  const verdict = result.result === 'ok' ? `${consistency}` : result.result === 'illegal' ? `not ${consistency}` : `unknown (${result.reason ?? ''})`
  const keyWords = explanation?.key !== undefined ? ` of key ${JSON.stringify(explanation.key)}` : ''
  const note = `Showing ${shown.length} of ${candidates.length} operations${keyWords}${history.length > candidates.length ? ` (${history.length} given)` : ''}; the axis is ${seconds ? 'seconds since the workload started' : 'the position in the history'}. Drag to pan; ctrl+wheel, + and − to zoom; ← → to step.`
  const data = { unit: seconds ? 's' : 'order', lo, hi, focus, steps, stepsBefore, startState, endText }

  const body = `<div class="cx" tabindex="0"><style>${VIEW_STYLE}</style>
${options.fragment ? '' : `<h1>${esc(options.title ?? 'Linearizability check')}: <span class="verdict" style="color:${result.result === 'illegal' ? '#c92a2a' : result.result === 'ok' ? '#2b8a3e' : '#e67700'}">${esc(verdict)}</span></h1>`}
${arg ? `<p class="argument">${esc(arg.text)}</p><p>${esc(explanation?.detail ?? '')}</p>` : explanation ? `<p>${esc(explanation.text)}</p>` : ''}
${keyList.length ? `<ol class="keyops">${keyList.join('')}</ol>` : ''}
<p class="legend"><span style="background:#b2f2bb;border:1px solid #2b8a3e">#n: step n of the longest linearization</span><span style="background:#ffc9c9;border:2px solid #c92a2a">could not go next</span><span style="border:2px solid #1864ab">must come before it</span><span style="background:#ffec99;border:1px solid #e67700">fits, but leads nowhere</span><span style="background:#dee2e6;border:1px solid #adb5bd">other</span><span style="border:1px dashed #adb5bd">never completed</span></p>
<div class="tools"><button data-act="focus">the failure</button><button data-act="all">all shown</button><button data-act="out">−</button><button data-act="in">+</button><span class="range"></span><span class="sep"></span><button data-act="first">◀◀</button><button data-act="prev">◀ step</button><button data-act="next">step ▶</button><button data-act="last">▶▶</button><div class="step"></div></div>
<div class="chart"><div class="names"><div class="axisname">${seconds ? 'seconds' : 'position'}</div>${lanes.map((k) => `<div>${esc(k)}</div>`).join('')}${clients.map((c, i) => `<div${tall.has(i) ? ' class="tall"' : ''}>client ${c}</div>`).join('')}</div>
<div class="plot"><div class="axis"></div>${laneHtml.join('')}${rows.map((r, i) => `<div class="row${tall.has(i) ? ' tall' : ''}">${r.join('')}</div>`).join('\n')}</div></div>
<p class="note">${esc(note)}</p>
<script type="application/json" class="cx-data">${json(data)}</script><script>${VIEW_SCRIPT}</script></div>`
  if (options.fragment) return body
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(options.title ?? 'linearizability')}</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin:16px">${body}</body></html>
`
}
