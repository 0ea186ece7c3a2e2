/**
 * Cycles into data a report can draw (the transactions and the labelled steps)
 * and into plain words; a whole result into text for a terminal.
 */
import { keyName, show, txnRef } from './cases.js'
import type { FoundCycle } from './cycles.js'
import { levelOf, PROCESS, REALTIME, RW, RW_PROCESS, RW_REALTIME, WR, WW, WW_PROCESS, WW_REALTIME } from './graph.js'
import type { Txns } from './txn.js'
import type { AnomalyCase, CycleCase, CycleStep, DataModel, ElleResult, StepType, TxnRef } from './types.js'

/** What justifies one edge: the key and values involved, and for inferred register orders, how. */
export interface StepDetail {
  key?: unknown
  value?: unknown
  value2?: unknown
  via?: string
}
/** `rel` is WW, WR or RW; `level` says whether the edge came from data (0), process order (1) or real time (2). */
export type EdgeExplainer = (from: number, to: number, rel: number, level: 0 | 1 | 2) => StepDetail | undefined

const STEP_OF: Record<number, StepType> = {
  [WW]: 'ww',
  [WW_PROCESS]: 'ww',
  [WW_REALTIME]: 'ww',
  [WR]: 'wr',
  [RW]: 'rw',
  [RW_PROCESS]: 'rw',
  [RW_REALTIME]: 'rw',
  [PROCESS]: 'process',
  [REALTIME]: 'realtime',
}

/** The data relation behind an edge, for asking the data model's explainer. */
const DATA_REL: Record<number, number> = { [WW_PROCESS]: WW, [WW_REALTIME]: WW, [RW_PROCESS]: RW, [RW_REALTIME]: RW }

const SHAPES: Record<string, string> = {
  G0: 'a cycle of writes, each overwriting the last (G0, write cycle)',
  G1c: 'a cycle in which each transaction saw the previous one\'s writes (G1c, circular information flow)',
  'G-single-item': 'a cycle in which exactly one transaction missed another\'s effects (G-single, read skew)',
  'G-nonadjacent-item': 'a cycle in which transactions missed others\' effects, never two in a row (G-nonadjacent, forbidden by snapshot isolation)',
  'G2-item': 'a cycle in which transactions missed each other\'s effects (G2-item, an anti-dependency cycle such as write skew)',
}

function shapeWords(type: string): string {
  const level = type.endsWith('-realtime') ? ', closed by real-time order' : type.endsWith('-process') ? ', closed by process order' : ''
  const base = type.replace(/-(realtime|process)$/, '')
  return `${SHAPES[base] ?? base}${level}`
}

/** Names transactions T1, T2, ... in order of first mention, across a case and the cases nested in it. */
export class Namer {
  private readonly names = new Map<number, string>()
  constructor(private readonly txns: Txns) {}
  name(t: number): string {
    let name = this.names.get(t)
    if (name === undefined) this.names.set(t, (name = `T${this.names.size + 1}`))
    return name
  }
  has(t: number): boolean {
    return this.names.has(t)
  }
  /** The number in a transaction's name (Infinity when unnamed). */
  number(t: number): number {
    const name = this.names.get(t)
    return name === undefined ? Infinity : Number(name.slice(1))
  }
  ref(t: number): TxnRef {
    return txnRef(this.txns, t, this.name(t))
  }
}

/**
 * A cycle as a case: its transactions named (by `namer`, shared with the
 * cases nested in it), each step labelled with its key and values (from
 * `details` where given, else from the data model's explainer), and in words.
 * A cycle whose transactions already have names starts at the one named first.
 */
export function cycleCase(
  txns: Txns,
  cycle: FoundCycle,
  explainEdge: EdgeExplainer,
  dataModel: DataModel,
  namer: Namer = new Namer(txns),
  details?: readonly (StepDetail | undefined)[],
): CycleCase {
  let start = 0
  for (let i = 1; i < cycle.txns.length; i++) if (namer.number(cycle.txns[i]!) < namer.number(cycle.txns[start]!)) start = i
  const order = cycle.txns.map((_, i) => (start + i) % cycle.txns.length)
  const refs: TxnRef[] = []
  const named = new Set<number>()
  for (const i of order) {
    const t = cycle.txns[i]!
    namer.name(t)
    if (!named.has(t)) {
      named.add(t)
      refs.push(namer.ref(t))
    }
  }
  const steps: CycleStep[] = []
  const words: string[] = []
  const labels: string[] = []
  for (const i of order) {
    const a = cycle.txns[i]!
    const b = cycle.txns[(i + 1) % cycle.txns.length]!
    const rel = cycle.rels[i]!
    const type = STEP_OF[rel]!
    const step: CycleStep = { type, from: namer.name(a), to: namer.name(b) }
    if (type === 'process') step.process = txns.process[a]!
    else if (type === 'realtime') {
      step.value = txns.completeIndex[a]!
      step.value2 = txns.invokeIndex[b]!
    } else {
      const detail = details?.[i] ?? explainEdge(a, b, DATA_REL[rel] ?? rel, levelOf(rel))
      if (detail) {
        if (detail.key !== undefined) step.key = detail.key
        if (detail.value !== undefined) step.value = detail.value
        if (detail.value2 !== undefined) step.value2 = detail.value2
        if (detail.via !== undefined) step.via = detail.via
      }
      if (rel === WW_PROCESS || rel === RW_PROCESS) step.via = 'process'
      if (rel === WW_REALTIME || rel === RW_REALTIME) step.via = 'realtime'
    }
    steps.push(step)
    labels.push(`${step.from} -${label(step)}-> `)
    words.push(sentence(step, dataModel))
  }
  const text = `${labels.join('')}${steps[0]!.from}`
  const explanation = `${words.join('; ')}. So ${steps[0]!.from} would have to come before itself: ${shapeWords(cycle.type)}.`
  return { type: cycle.type, cycle: refs, steps, text, explanation }
}

function label(s: CycleStep): string {
  if (s.type === 'process') return `process(${s.process})`
  if (s.type === 'realtime') return 'realtime'
  const parts: string[] = []
  if (s.key !== undefined) parts.push(keyName(s.key))
  const v = s.type === 'wr' ? s.value : s.value2
  if (v !== undefined) parts.push(show(v))
  return `${s.type}(${parts.join(', ')})`
}

const VIA: Record<string, string> = {
  'initial-state': 'every write follows the initial state',
  'writes-follow-reads': 'a transaction writes after the version it read',
  process: 'process order',
  realtime: 'real-time order',
}

/** Words for a step's `via`. */
function viaWords(via: string | undefined): string {
  if (via === undefined) return ''
  if (via === 'open') return ' (an order the history leaves open)'
  return ` (that order of versions comes from ${VIA[via] ?? via})`
}

function sentence(s: CycleStep, dataModel: DataModel): string {
  const list = dataModel === 'list-append'
  const k = s.key === undefined ? 'a key' : keyName(s.key)
  const via = viaWords(s.via)
  switch (s.type) {
    case 'process':
      return `${s.to} ran after ${s.from} on process ${s.process}`
    case 'realtime':
      return `${s.to} began (op ${String(s.value2)}) after ${s.from} had completed (op ${String(s.value)})`
    case 'wr':
      return list ? `${s.to} read ${s.from}'s append of ${show(s.value)} to ${k}` : `${s.to} read ${k} = ${show(s.value)}, written by ${s.from}`
    case 'ww':
      return list
        ? `${s.to} appended ${show(s.value2)} to ${k} after ${s.from}'s ${show(s.value)}${via}`
        : `${s.to} wrote ${show(s.value2)} to ${k} after ${s.from}'s write of ${show(s.value)}${via}`
    case 'rw': {
      const saw = list
        ? s.value === null || s.value === undefined
          ? `read ${k} empty`
          : `read ${k} up to ${show(s.value)}`
        : `read ${k} = ${show(s.value)}`
      return `${s.from} ${saw}, without ${s.to}'s ${list ? 'append' : 'write'} of ${show(s.value2)}${via}`
    }
  }
}

/** The result as lines for a terminal: types, ruled-out models, then each case in words. */
export function renderText(result: ElleResult, maxCasesPerType = 3): string {
  const lines: string[] = []
  const types = result.anomalyTypes.map((t) => `${t}${result.counts[t]! > 1 ? ` (${result.counts[t]})` : ''}`)
  lines.push(`anomalies: ${types.length > 0 ? types.join(', ') : 'none'}`)
  const out = result.alsoNot.length > 0 ? ` (and so also ${result.alsoNot.join(', ')})` : ''
  lines.push(`ruled out: ${result.not.length > 0 ? result.not.join(', ') + out : 'none'}`)
  for (const type of result.anomalyTypes) {
    const cases = result.anomalies[type] ?? []
    for (const c of cases.slice(0, maxCasesPerType)) lines.push('', ...caseLines(c))
    if ((result.counts[type] ?? 0) > maxCasesPerType) lines.push(`  ... ${result.counts[type]! - maxCasesPerType} more ${type} case(s) in the results`)
  }
  return lines.join('\n')
}

function caseLines(c: AnomalyCase): string[] {
  const lines: string[] = []
  if (isCycleCase(c)) {
    lines.push(`${c.type}: ${c.text}`)
    for (const t of c.cycle) lines.push(`  ${txnLine(t)}`)
  } else {
    lines.push(`${c.type}:`)
    const txns = (c as { txns?: TxnRef[] }).txns ?? []
    for (const t of txns) lines.push(`  ${txnLine(t)}`)
  }
  lines.push(`  ${c.explanation}`)
  return lines
}

export function isCycleCase(c: AnomalyCase): c is CycleCase {
  return Array.isArray((c as CycleCase).steps) && Array.isArray((c as CycleCase).cycle)
}

function txnLine(t: TxnRef): string {
  const mops = t.value.map((m) => show(m)).join(' ')
  return `${t.name} = op ${t.index} (process ${t.process}, ${t.type}): ${mops}`
}
