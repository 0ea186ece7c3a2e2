/**
 * The check, step by step: transactions out of the history; per-operation
 * anomalies and the dependency edges the data model infers; process and
 * real-time edges when the checked models need them; strongly connected
 * components; a typed cycle search in each cyclic component; the anomalies'
 * verdict against the checked models.
 */
import type { Op } from '../../core/op.js'
import { CYCLE_BASES, cycleName, impliedAnomalies, isUnknownType, type Level } from './anomalies.js'
import { Cases } from './cases.js'
import { cyclicComponents, searchComponent } from './cycles.js'
import { cycleCase } from './explain.js'
import { openAnomalyCase } from './open-cases.js'
import { buildGraph, EdgeList } from './graph.js'
import { analyseListAppend } from './list-append.js'
import { boundary, canonicalModel, consistencyModelNames, forbiddenAnomalies, ordersNeeded } from './models.js'
import { addProcessEdges, addRealtimeEdges } from './orders.js'
import { resolveOpenOrders } from './resolve.js'
import { analyseRwRegister } from './rw-register.js'
import { Budget } from './scc.js'
import { ElleInputError, FAIL, INFO, OK, readTxns } from './txn.js'
import type { DataModel, ElleOptions, ElleResult } from './types.js'

export const DEFAULT_MODELS = ['strict-serializable'] as const
const DEFAULT_BUDGET_MS = 10_000

/** Canonical names of the models; an unknown name is an ElleInputError. */
export function resolveModels(names: readonly string[]): string[] {
  if (names.length === 0) throw new ElleInputError(`no consistency model given: choose from ${consistencyModelNames.join(', ')}`)
  return [
    ...new Set(
      names.map((name) => {
        const m = canonicalModel(name)
        if (!m) throw new ElleInputError(`unknown consistency model '${name}': choose from ${consistencyModelNames.join(', ')}`)
        return m
      }),
    ),
  ]
}

export function checkListAppend(history: readonly Op[], options: ElleOptions = {}): ElleResult {
  return check(history, 'list-append', options)
}

export function checkRwRegister(history: readonly Op[], options: ElleOptions = {}): ElleResult {
  return check(history, 'rw-register', options)
}

export function check(history: readonly Op[], dataModel: DataModel, options: ElleOptions = {}): ElleResult {
  const started = performance.now()
  const models = resolveModels(options.consistencyModels ?? DEFAULT_MODELS)
  const orders = ordersNeeded(models)
  const txns = readTxns(history, dataModel)
  const cases = new Cases(options.maxCases ?? 8, new Set(options.garbageReads === false ? ['garbage-read'] : []))
  // About eight edges per transaction in a history of ten processes, real-time edges included.
  const edges = new EdgeList(8 * txns.n + 1024)
  const analysis = dataModel === 'list-append' ? analyseListAppend(txns, cases, edges) : analyseRwRegister(txns, cases, edges, orders)
  const explainEdge = analysis.explain
  if (orders.process) addProcessEdges(txns, edges)
  if (orders.realtime) addRealtimeEdges(txns, edges)
  const graph = buildGraph(txns.n, edges)

  const { members: components, comp } = cyclicComponents(graph)
  const maxLevel: Level = orders.realtime ? 2 : orders.process ? 1 : 0
  const local = new Int32Array(txns.n).fill(-1)
  const newBudget = (): Budget => new Budget(options.budget?.steps ?? Infinity, options.budget?.ms ?? DEFAULT_BUDGET_MS)
  // Anomaly types some search could not rule out: they leave the verdict unknown if a checked model forbids one.
  const undecided: string[] = []
  const found = new Set<string>()
  let largest = 0
  for (const members of components) {
    largest = Math.max(largest, members.length)
    const search = searchComponent(graph, members, local, maxLevel, newBudget())
    for (const cycle of search.cycles) {
      found.add(cycle.type)
      cases.add(cycle.type, () => cycleCase(txns, cycle, explainEdge, dataModel))
    }
    if (search.timedOut) {
      const foundHere = search.cycles.map((c) => c.type)
      const implied = impliedAnomalies(foundHere)
      const open = allCycleTypes(maxLevel).filter((t) => !implied.has(t))
      undecided.push(...open)
      cases.add('cycle-search-timeout', () => ({
        type: 'cycle-search-timeout',
        size: members.length,
        sample: [...members.slice(0, 100)].map((t) => txns.completeIndex[t]!),
        undecided: open,
        explanation:
          `the cycle search ran out of budget in a component of ${members.length} transactions` +
          (foundHere.length > 0 ? ` after finding ${foundHere.join(', ')}` : '') +
          ': anomalies it holds beyond those are not known',
      }))
    }
  }

  // Orders of writes the history leaves open: an anomaly counts when every order has it.
  const resolution = resolveOpenOrders({ txns, graph, open: analysis.open, dataModel, maxLevel, found, comp, budget: newBudget })
  for (const a of resolution.anomalies) cases.add(a.type, () => openAnomalyCase(txns, a, explainEdge, dataModel))
  for (const u of resolution.undecided) {
    undecided.push(u.type)
    cases.add('cycle-search-timeout', () => ({
      type: 'cycle-search-timeout',
      size: u.size,
      sample: u.sample,
      undecided: [u.type],
      explanation: `${u.reason}: whether every order of those writes closes a ${u.type} cycle is not known`,
    }))
  }

  let ok = 0
  let info = 0
  let fail = 0
  for (let t = 0; t < txns.n; t++) {
    if (txns.type[t] === OK) ok++
    else if (txns.type[t] === INFO) info++
    else if (txns.type[t] === FAIL) fail++
  }
  if (ok === 0) {
    cases.add('empty-transaction-graph', () => ({
      type: 'empty-transaction-graph',
      explanation: `no transaction committed (${txns.n} in the history: ${info} indeterminate, ${fail} failed), so there is nothing to judge`,
    }))
  }

  const anomalyTypes = [...cases.counts.keys()].sort()
  const known = anomalyTypes.filter((t) => !isUnknownType(t))
  const forbidden = forbiddenAnomalies(models)
  const forbiddenFound = known.filter((t) => [...impliedAnomalies([t])].some((a) => forbidden.has(a)))
  const undecidedForbidden = undecided.some((t) => [...impliedAnomalies([t])].some((a) => forbidden.has(a)))
  const valid = forbiddenFound.length > 0 ? false : ok === 0 || undecidedForbidden ? 'unknown' : true
  const { not, alsoNot } = boundary(known)
  const anomalies = Object.fromEntries(anomalyTypes.map((t) => [t, cases.byType.get(t)!]))
  const counts = Object.fromEntries(anomalyTypes.map((t) => [t, cases.counts.get(t)!]))
  const stats = {
    txns: txns.n,
    ok,
    info,
    fail,
    keys: txns.keys.length,
    edges: edges.size,
    cyclicComponents: components.length,
    largestComponent: largest,
    ms: Math.round((performance.now() - started) * 10) / 10,
  }
  const modelList = models.join(', ')
  let summary: string
  if (valid === true) {
    const allowed = known.length > 0 ? `; found ${known.join(', ')}, which ${modelList} allow${models.length === 1 ? 's' : ''}` : ''
    const open = undecided.length > 0 ? `; the search ran out of budget before deciding ${[...new Set(undecided)].join(', ')}, which ${modelList} allow${models.length === 1 ? 's' : ''}` : ''
    summary = `${dataModel} history consistent with ${modelList} (${ok} ok, ${info} info, ${fail} failed transactions)${allowed}${open}`
  } else if (valid === false) {
    summary = `${forbiddenFound.join(', ')} (forbidden by ${modelList}): not ${not.join(', ')}`
  } else {
    const reasons = anomalyTypes.filter(isUnknownType).map((t) => (t === 'cycle-search-timeout' ? 'the cycle search ran out of budget' : 'no transaction committed'))
    summary = `could not decide: ${reasons.join('; ')}`
  }
  return {
    valid,
    dataModel,
    consistencyModels: models,
    anomalyTypes,
    forbidden: forbiddenFound,
    anomalies,
    counts,
    not,
    alsoNot,
    stats,
    summary,
  }
}

/** Every cycle type up to a level. */
function allCycleTypes(maxLevel: Level): string[] {
  const out: string[] = []
  for (let level = 0 as Level; level <= maxLevel; level = (level + 1) as Level) for (const base of CYCLE_BASES) out.push(cycleName(base, level))
  return out
}
