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

export function cycleCase(txns: Txns, cycle: FoundCycle, explainEdge: EdgeExplainer, dataModel: DataModel): CycleCase {
  const names = new Map<number, string>()
  const refs: TxnRef[] = []
  for (const t of cycle.txns) {
    if (names.has(t)) continue
    const name = `T${names.size + 1}`
    names.set(t, name)
    refs.push(txnRef(txns, t, name))
  }
  const steps: CycleStep[] = []
  const words: string[] = []
  const labels: string[] = []
  for (let i = 0; i < cycle.txns.length; i++) {
    const a = cycle.txns[i]!
    const b = cycle.txns[(i + 1) % cycle.txns.length]!
    const rel = cycle.rels[i]!
    const type = STEP_OF[rel]!
    const step: CycleStep = { type, from: names.get(a)!, to: names.get(b)! }
    if (type === 'process') step.process = txns.process[a]!
    else if (type === 'realtime') {
      step.value = txns.completeIndex[a]!
      step.value2 = txns.invokeIndex[b]!
    } else {
      const detail = explainEdge(a, b, DATA_REL[rel] ?? rel, levelOf(rel))
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
  const explanation = `${words.join('; ')}. So T1 would have to come before itself: ${shapeWords(cycle.type)}.`
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

function sentence(s: CycleStep, dataModel: DataModel): string {
  const list = dataModel === 'list-append'
  const k = s.key === undefined ? 'a key' : keyName(s.key)
  const via = s.via ? ` (that order of versions comes from ${VIA[s.via] ?? s.via})` : ''
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
