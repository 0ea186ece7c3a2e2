/**
 * A self-contained HTML view of a checked history (no network, no script): one
 * row per client, operations as bars on a time axis, the longest partial
 * linearization numbered in order, the operations that could not be placed next
 * in red, fault windows shaded. Hovering a bar shows its operation and states.
 *
 * Only a window is drawn: the failing partition's operations around the point of
 * failure (`maxOps`, default 300), so a 100,000-operation history still gives a
 * page of a few hundred kilobytes at most. The axis is event order (each distinct
 * call or return time is one step), which keeps short and long gaps readable.
 */
import { explain } from './explain.js'
import type { CheckResult, Model, Operation } from './types.js'

export interface Fault {
  start: number
  end: number
  label: string
}

export interface RenderOptions {
  faults?: Fault[]
  maxOps?: number
  title?: string
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function renderHtml<S, I, O>(
  history: readonly Operation<I, O>[],
  result: CheckResult<S>,
  model: Model<S, I, O>,
  options: RenderOptions = {},
): string {
  const maxOps = options.maxOps ?? 300
  const ops = history.map((op, i) => ({ op, id: op.id ?? i }))
  const explanation = explain(result, model, history)
  const failed = result.partitions?.find((p) => p.index === result.failedPartition)
  const failure = failed?.failure
  const order = new Map<number, number>()
  const stateAfter = new Map<number, S>()
  failure?.prefix.ops.forEach((id, i) => {
    order.set(id, i + 1)
    stateAfter.set(id, failure.prefix.states[i]!)
  })
  const stuck = new Set(failure?.stuck.map((s) => s.id) ?? [])

  // The window: the failing partition's ops (all ops if none), centred on the failure.
  const inPartition = failed ? new Set(failed.opIds) : undefined
  const candidates = ops.filter((o) => !inPartition || inPartition.has(o.id)).sort((a, b) => a.op.call - b.op.call)
  let centre = 0
  if (stuck.size > 0) centre = candidates.findIndex((o) => stuck.has(o.id))
  else if (failure && failure.prefix.ops.length > 0) {
    const lastId = failure.prefix.ops[failure.prefix.ops.length - 1]
    centre = candidates.findIndex((o) => o.id === lastId)
  }
  const from = Math.max(0, Math.min(Math.max(0, centre - Math.floor(maxOps * 0.7)), candidates.length - maxOps))
  const shown = candidates.slice(from, from + maxOps)

  // Event-order axis over the shown window.
  const finite = (t: number | undefined): t is number => t !== undefined && t !== Infinity
  const times = [...new Set(shown.flatMap((o) => (finite(o.op.return) ? [o.op.call, o.op.return] : [o.op.call])))].sort((a, b) => a - b)
  const steps = Math.max(1, times.length)
  const x = (t: number): number => {
    let lo = 0
    let hi = times.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (times[mid]! < t) lo = mid + 1
      else hi = mid
    }
    return (100 * lo) / steps
  }
  const clients = [...new Set(shown.map((o) => o.op.clientId))].sort((a, b) => a - b)
  const row = new Map(clients.map((c, i) => [c, i]))
  const showState = (s: S): string => (model.describeState ? model.describeState(s) : (JSON.stringify(s) ?? String(s)))
  const metState = failure ? showState(failure.state) : ''
  const ROW = 26

  const bars = shown.map(({ op, id }) => {
    const done = finite(op.return)
    const left = x(op.call)
    const right = done ? x(op.return as number) + 100 / steps : 100
    const desc = model.describeOperation ? model.describeOperation(op.input, done ? op.output : undefined) : JSON.stringify(op.input)
    const n = order.get(id)
    const cls = ['op', n !== undefined ? 'lin' : '', stuck.has(id) ? 'stuck' : '', done ? '' : 'open'].filter(Boolean).join(' ')
    let title = `op ${id}, client ${op.clientId}: ${desc}${done ? '' : ' (never completed)'}`
    if (n !== undefined) title += `\nlinearized #${n}, state after: ${showState(stateAfter.get(id)!)}`
    if (stuck.has(id)) title += `\ncould not go next: met state ${metState}`
    // One partition is usually one key: the bar shows the operation, the hover names the key.
    const label = `${n !== undefined ? `#${n} ` : ''}${desc.replace(/^\[[^\]]*\] /, '')}`
    return `<div class="${cls}" style="top:${row.get(op.clientId)! * ROW + 3}px;left:${left.toFixed(3)}%;width:${Math.max(0.2, right - left).toFixed(3)}%" title="${esc(title)}">${esc(label)}</div>`
  })
  const lo = times[0] ?? 0
  const hi = times[times.length - 1] ?? 0
  const faults = (options.faults ?? [])
    .filter((f) => f.end >= lo && f.start <= hi)
    .map((f) => {
      const left = x(f.start)
      const right = f.end >= hi ? 100 : x(f.end)
      return `<div class="fault" style="left:${left.toFixed(3)}%;width:${Math.max(0.3, right - left).toFixed(3)}%" title="${esc(f.label)}"><span>${esc(f.label)}</span></div>`
    })
  const verdict = result.result === 'ok' ? `${result.consistency}: ok` : result.result === 'illegal' ? `not ${result.consistency}` : `unknown (${result.reason ?? ''})`
  const note = `Showing ${shown.length} of ${candidates.length} operations${failed ? ` of partition ${failed.index}` : ''} (${history.length} in the history), in event order.`
  const rows = clients.map((c, i) => `<div class="client" style="top:${i * ROW}px">client ${c}</div>`)
  const height = clients.length * ROW + 8

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(options.title ?? 'linearizability')}</title>
<style>
body{font:13px system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:18px;margin:0 0 6px}
.verdict{font-weight:600;color:${result.result === 'ok' ? '#176117' : result.result === 'illegal' ? '#a01515' : '#8a6100'}}
p{max-width:960px;line-height:1.4}
.wrap{display:flex;border:1px solid #ccc}
.names{position:relative;width:84px;flex:none;border-right:1px solid #ccc;background:#fafafa}
.client{position:absolute;left:6px;height:26px;line-height:26px;color:#555}
.lane{position:relative;flex:1;overflow:hidden;background:repeating-linear-gradient(#fff 0 26px,#f4f6f8 26px 52px)}
.op{position:absolute;height:20px;line-height:20px;font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;box-sizing:border-box;padding:0 3px;border-radius:3px;background:#cfd8e3;border:1px solid #9aa9bb;cursor:default}
.op.lin{background:#b9e0b9;border-color:#5a9a5a}
.op.open{border-style:dashed;border-right:none;border-radius:3px 0 0 3px}
.op.stuck{background:#f6b3b3;border:2px solid #c62828;font-weight:600;z-index:2}
.op:hover{outline:2px solid #333;z-index:3}
.fault{position:absolute;top:0;bottom:0;background:rgba(255,170,0,.18);border-left:1px dashed #d08a00;border-right:1px dashed #d08a00}
.fault span{position:absolute;bottom:2px;left:3px;font-size:10px;color:#8a5a00;white-space:nowrap}
.legend span{display:inline-block;padding:1px 6px;margin-right:8px;border-radius:3px;font-size:11px}
</style></head><body>
<h1>${esc(options.title ?? 'Linearizability check')}: <span class="verdict">${esc(verdict)}</span></h1>
${explanation ? `<p>${esc(explanation.text)}</p>` : ''}
<p class="legend"><span style="background:#b9e0b9;border:1px solid #5a9a5a">#n: place in the longest linearization</span><span style="background:#f6b3b3;border:2px solid #c62828">could not go next</span><span style="background:#cfd8e3;border:1px solid #9aa9bb">other</span><span style="border:1px dashed #9aa9bb">never completed</span><span style="background:rgba(255,170,0,.18)">fault</span> ${esc(note)} Hover a bar for its values and states.</p>
<div class="wrap"><div class="names" style="height:${height}px">${rows.join('')}</div><div class="lane" style="height:${height}px">${faults.join('')}${bars.join('\n')}</div></div>
</body></html>
`
}
