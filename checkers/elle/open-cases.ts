/**
 * An anomaly that every order of the open writes has, as a case a person can
 * follow: the cycle of the first order tried, each open order it needs with
 * how it was decided (forced, because the reverse closes another cycle; or one
 * of two cases, each ending in a cycle), and the reverse's cycle in turn.
 */
import { classifyCycle, cycleName, type Level } from './anomalies.js'
import { keyName, show } from './cases.js'
import type { FoundCycle } from './cycles.js'
import { cycleCase, Namer, type EdgeExplainer, type StepDetail } from './explain.js'
import { ANY_RW, levelOf, WR } from './graph.js'
import type { ForcedOrder, Proof, SearchStep } from './order-search.js'
import type { OpenAnomaly, OpenComponent } from './resolve.js'
import type { Txns } from './txn.js'
import type { CycleCase, DataModel, OpenOrder } from './types.js'

/** Cycles kept in one case, nested ones included: a deep proof is summarised past this. */
const MAX_CYCLES = 24

interface Context {
  txns: Txns
  explainEdge: EdgeExplainer
  dataModel: DataModel
  component: OpenComponent
  namer: Namer
  cyclesLeft: number
}

/** Per pair: the side an enclosing split took, and the proof of its other case. */
type Path = Map<number, Proof>

export function openAnomalyCase(txns: Txns, anomaly: OpenAnomaly, explainEdge: EdgeExplainer, dataModel: DataModel): CycleCase {
  const ctx: Context = { txns, explainEdge, dataModel, component: anomaly.component, namer: new Namer(txns), cyclesLeft: MAX_CYCLES }
  const c = proofCase(ctx, anomaly.proof, new Map(), new Set())
  return {
    ...c,
    type: anomaly.type,
    explanation: `${c.explanation} Whichever order these writes took, the history has ${classWords(anomaly.type, anomaly.level)}.`,
  }
}

/**
 * A proof as a case: its first case's cycle (splits take their first side).
 * `supposing`: the pair whose order this case supposes (said by the caller).
 */
function proofCase(ctx: Context, proof: Proof, path: Path, explained: Set<number>, supposing = -1): CycleCase {
  if (proof.kind === 'split') {
    const inner = new Map(path)
    inner.set(proof.pair, proof.cases[1])
    return proofCase(ctx, proof.cases[0], inner, explained, supposing)
  }
  return leafCase(ctx, proof.steps, path, new Map(proof.forced.map((f) => [f.side >> 1, f])), explained, supposing)
}

function leafCase(ctx: Context, steps: SearchStep[], path: Path, forced: Map<number, ForcedOrder>, explained: Set<number>, supposing: number): CycleCase {
  ctx.cyclesLeft--
  const { txns, component } = ctx
  const rels = steps.map((s) => s.rel)
  const { base, level } = classifyCycle(rels.map((r) => ({ rw: (r & ANY_RW) !== 0, wr: (r & WR) !== 0, level: levelOf(r) })))
  const found: FoundCycle = { type: cycleName(base, level), txns: steps.map((s) => component.members[s.from]!), rels }
  const details = steps.map((s) => (s.side < 0 ? undefined : sideDetail(ctx, s)))
  const c = cycleCase(txns, found, ctx.explainEdge, ctx.dataModel, ctx.namer, details)

  const orders: OpenOrder[] = []
  const seen = new Set<number>()
  const before: string[] = []
  const after: string[] = []
  for (const s of steps) {
    const pair = s.side >> 1
    if (s.side < 0 || seen.has(pair)) continue
    seen.add(pair)
    const order = describe(ctx, s.side)
    const f = pair === supposing ? undefined : forced.get(pair)
    const o: OpenOrder = { ...order.data, how: f ? 'forced' : 'case' }
    orders.push(o)
    if (pair === supposing) continue
    if (explained.has(pair)) {
      before.push(f ? `${order.holds}, as shown above` : `in this case ${order.holds}`)
    } else if (ctx.cyclesLeft <= 0) {
      before.push(`${order.intro}; ${order.holds} (the reverse order also closes such a cycle, not shown)`)
    } else if (f) {
      explained.add(pair)
      o.reverse = leafCase(ctx, f.because, path, forced, explained, pair)
      before.push(`${order.intro}. If ${order.reverse}: ${o.reverse.explanation} So ${order.holds}`)
    } else if (path.has(pair)) {
      explained.add(pair)
      o.reverse = proofCase(ctx, path.get(pair)!, path, new Set(explained), pair)
      before.push(`${order.intro}. Suppose ${order.holds}`)
      after.push(`If instead ${order.reverse}: ${o.reverse.explanation}`)
    }
  }
  if (orders.length === 0) return c
  const explanation = [...(before.length > 0 ? [`${before.join('. ')}.`] : []), c.explanation, ...after].join(' ')
  return { ...c, explanation, orders }
}

/** The order side s takes, as data and in words. */
function describe(ctx: Context, s: number): { data: Omit<OpenOrder, 'how'>; intro: string; holds: string; reverse: string } {
  const { kv, u, v } = ctx.component.pairs[s >> 1]!
  const [a, b] = (s & 1) === 0 ? [u, v] : [v, u]
  const key = ctx.txns.keys[kv.key]
  const first = ctx.namer.name(kv.writer[a]!)
  const second = ctx.namer.name(kv.writer[b]!)
  const values: [unknown, unknown] = [kv.first[a], kv.first[b]]
  const list = ctx.dataModel === 'list-append'
  const appends = (i: number): string => (kv.first[i] === kv.last[i] ? show(kv.first[i]) : `${show(kv.first[i])}..${show(kv.last[i])}`)
  const intro = list
    ? `${first} and ${second} both appended to ${keyName(key)} (${appends(a)} and ${appends(b)}), and no read saw either append`
    : `${first} wrote ${show(values[0])} and ${second} wrote ${show(values[1])} to ${keyName(key)}, and nothing in the history orders the two writes`
  const what = list ? 'append' : 'write'
  const firstWrite = `${first}'s ${what} of ${appends(a)}`
  const secondWrite = `${second}'s ${what} of ${appends(b)}`
  return {
    data: { key, first, second, values },
    intro,
    // Each order named in full: a case may weigh several pairs, and "came first" alone would not say against which.
    holds: `${firstWrite} came before ${secondWrite}`,
    reverse: `${secondWrite} came before ${firstWrite}`,
  }
}

/** A side edge's key and values: ww from the earlier version's writer, rw from a reader of it. */
function sideDetail(ctx: Context, s: SearchStep): StepDetail {
  const { kv, before, after } = ctx.component.origins[s.edge]!
  const key = ctx.txns.keys[kv.key]
  if ((s.rel & ANY_RW) !== 0) return { key, value: kv.first[before], value2: kv.first[after], via: 'open' }
  return { key, value: kv.last[before], value2: kv.first[after], via: 'open' }
}

const CLASS_WORDS: Record<string, string> = {
  'G-single-item': 'a cycle with at most one anti-dependency (G-single-item or a weaker-model anomaly: it is not consistent view)',
  'G-nonadjacent-item': 'a cycle without two adjacent anti-dependencies (G-nonadjacent-item, which snapshot isolation forbids)',
  'G2-item': 'a dependency cycle (G2-item, which serializability forbids)',
}

function classWords(type: string, level: Level): string {
  const base = type.replace(/-(realtime|process)$/, '')
  const orders = level === 2 ? ', counting real-time order' : level === 1 ? ', counting process order' : ''
  return `${CLASS_WORDS[base] ?? base}${orders}`
}
