/**
 * Nemesis operations in words, for the report's fault lanes and table and the
 * live view: "majority: n1 n2 n3 | n4 | n5", "kill n3", "clock n2 +12.3 s",
 * never a JSON value cut in the middle of a grudge. Works from the op's value
 * alone (the invocation's plan, or better the completion's account of what
 * was done), so it reads any history, including old ones.
 */

/** Which fault kind an op's f opens or closes (the nemesis records' start and stop ops). */
export function faultKindOf(f: string): { kind: string; opens: boolean } | undefined {
  const m = /^(start|stop)-(.+)$/.exec(f)
  if (m) return { kind: m[2]!, opens: m[1] === 'start' }
  switch (f) {
    case 'kill':
      return { kind: 'kill', opens: true }
    case 'start':
    case 'restart':
      return { kind: 'kill', opens: false }
    case 'pause':
      return { kind: 'pause', opens: true }
    case 'resume':
      return { kind: 'pause', opens: false }
    case 'bump-clock':
    case 'strobe-clock':
      return { kind: 'clock', opens: true }
    case 'reset-clock':
      return { kind: 'clock', opens: false }
    default:
      return undefined
  }
}

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined)

function nodeList(v: unknown): string | undefined {
  if (v === 'primaries') return 'the primaries'
  const list = strings(v)
  if (!list) return undefined
  return list.length === 0 ? 'no node' : list.join(' ')
}

/** "12.3 s", "450 ms". */
export function duration(ms: number): string {
  const a = Math.abs(ms)
  return a >= 1000 ? `${(a / 1000).toFixed(a >= 10_000 ? 0 : 1)} s` : `${Math.round(a)} ms`
}

/** "+12.3 s", "-450 ms". */
export function signedDuration(ms: number): string {
  return `${ms < 0 ? '-' : '+'}${duration(ms)}`
}

/**
 * A grudge (node → nodes it drops) as its sides: "n1 n2 n3 | n4 | n5" when
 * the nodes fall into groups that see each other and nothing else; otherwise
 * who drops whom: "n1 drops n3 n4; n2 drops n4 n5".
 */
export function grudgeWords(grudge: Obj, nodes?: readonly string[]): string {
  const all = [...new Set([...(nodes ?? []), ...Object.keys(grudge), ...Object.values(grudge).flatMap((v) => strings(v) ?? [])])].sort(byNodeName)
  const drops = new Map(all.map((n) => [n, new Set(strings(grudge[n]) ?? [])]))
  if (all.every((n) => drops.get(n)!.size === 0)) return 'nothing cut'
  // Sides: nodes that reach exactly the same nodes (themselves included).
  const sees = (n: string): string => all.filter((m) => m === n || (!drops.get(n)!.has(m) && !drops.get(m)!.has(n))).join(' ')
  const sides = new Map<string, string[]>()
  for (const n of all) {
    const key = sees(n)
    sides.set(key, [...(sides.get(key) ?? []), n])
  }
  const clean = [...sides].every(([key, members]) => key === members.join(' '))
  if (clean) return [...sides.values()].map((s) => s.join(' ')).join(' | ')
  return all
    .filter((n) => drops.get(n)!.size > 0)
    .map((n) => `${n} drops ${[...drops.get(n)!].sort(byNodeName).join(' ')}`)
    .join('; ')
}

function byNodeName(a: string, b: string): number {
  const na = /^(\D*)(\d+)$/.exec(a)
  const nb = /^(\D*)(\d+)$/.exec(b)
  if (na && nb && na[1] === nb[1]) return Number(na[2]) - Number(nb[2])
  return a < b ? -1 : a > b ? 1 : 0
}

function packetWords(v: Obj): string {
  const parts: string[] = []
  if (typeof v.loss === 'number') parts.push(`${Math.round(v.loss * 1000) / 10}% loss`)
  if (typeof v.rateKbit === 'number') parts.push(`${v.rateKbit} kbit/s`)
  if (typeof v.delayMs === 'number') parts.push(`${v.delayMs} ms delay${typeof v.jitterMs === 'number' ? ` ±${v.jitterMs} ms` : ''}`)
  if (typeof v.duplicatePct === 'number') parts.push(`${v.duplicatePct}% duplicated`)
  if (typeof v.reorderPct === 'number') parts.push(`${v.reorderPct}% reordered`)
  const on = nodeList(v.nodes)
  return `${on ? `${on}: ` : ''}${parts.join(', ') || 'shaped'}`
}

/**
 * What a start op did, without the kind's name: the label of its window.
 * `value` is the completion's value when there is one, else the invocation's.
 */
export function faultDetail(f: string, value: unknown, invokeValue?: unknown): string {
  const v = isObj(value) ? value : {}
  const planned = isObj(invokeValue) ? invokeValue : {}
  switch (f) {
    case 'start-partition': {
      const topology = typeof v.topology === 'string' ? v.topology : typeof planned.topology === 'string' ? planned.topology : undefined
      const grudge = isObj(v.grudge) ? v.grudge : isObj(planned.grudge) ? planned.grudge : undefined
      const sides = grudge ? grudgeWords(grudge) : undefined
      if (topology === 'primaries' && sides === 'nothing cut') return 'primaries: no leader known, nothing cut'
      return [topology && topology !== 'grudge' ? topology : undefined, sides].filter(Boolean).join(': ') || 'partition'
    }
    case 'kill':
    case 'pause':
      return nodeList(v.killed ?? v.paused ?? v.nodes) ?? nodeList(planned.nodes) ?? ''
    case 'start':
    case 'restart':
    case 'resume':
      return nodeList(v.started ?? v.resumed ?? v.nodes) ?? nodeList(planned.nodes) ?? 'every node'
    case 'bump-clock': {
      const offsets = isObj(v.offsets) ? v.offsets : isObj(planned.deltas) ? planned.deltas : undefined
      if (offsets) {
        const entries = Object.entries(offsets).filter((e): e is [string, number] => typeof e[1] === 'number')
        if (entries.length > 0) return entries.map(([n, ms]) => `${n} ${signedDuration(ms)}`).join(', ')
      }
      const nodes = nodeList(planned.nodes)
      return typeof planned.deltaMs === 'number' ? `${nodes ?? ''} ${signedDuration(planned.deltaMs)}`.trim() : (nodes ?? '')
    }
    case 'strobe-clock': {
      const s = { ...planned, ...v }
      const nodes = nodeList(s.nodes) ?? ''
      if (typeof s.deltaMs !== 'number') return nodes
      return `${nodes} strobed ${signedDuration(s.deltaMs)} every ${duration(Number(s.periodMs))} for ${duration(Number(s.durationMs))}`.trim()
    }
    case 'start-packet':
      return packetWords({ ...planned, ...v })
    case 'start-skewed-leader': {
      const isolated = strings(v.isolated)
      if (isolated && isolated.length === 0) return 'no leader known: nothing cut or skewed'
      const delta = typeof v.deltaMs === 'number' ? v.deltaMs : typeof planned.deltaMs === 'number' ? planned.deltaMs : undefined
      return `${isolated ? `${isolated.join(' ')} cut off` : 'the leader cut off'}${delta === undefined ? '' : `, clock ${signedDuration(delta)}`}`
    }
    default:
      return shortValue(value ?? invokeValue)
  }
}

/** A nemesis op as one short sentence: "partition majority: n1 n2 n3 | n4 | n5", "healed partition". */
export function faultSentence(f: string, value: unknown, invokeValue?: unknown): string {
  const k = faultKindOf(f)
  if (!k) return `${f}${value === undefined || value === null ? '' : ` ${shortValue(value)}`}`
  if (!k.opens) {
    if (f === 'start' || f === 'restart' || f === 'resume') return `${f === 'resume' ? 'resume' : 'restart'} ${faultDetail(f, value, invokeValue)}`
    return `healed ${k.kind}`
  }
  const detail = faultDetail(f, value, invokeValue)
  const verb = f === 'kill' || f === 'pause' ? f : f === 'bump-clock' || f === 'strobe-clock' ? 'clock' : k.kind
  return detail ? `${verb} ${detail}` : verb
}

/** A value no word knows, shortened at a boundary between entries, never mid-name. */
export function shortValue(value: unknown, max = 80): string {
  const text = JSON.stringify(value) ?? ''
  if (text.length <= max) return text
  const cut = text.lastIndexOf(',', max - 1)
  return `${text.slice(0, cut > max / 2 ? cut : max - 1)} …`
}
