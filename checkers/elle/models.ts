/**
 * The lattice of transactional consistency models, and which anomalies each
 * one forbids. Sources: Adya's thesis (PL-1 ... PL-3, PL-SI, PL-SS and the
 * view levels), Bailis et al. "Highly Available Transactions" (read atomic,
 * monotonic atomic view, cursor stability), Cerone, Bernardi & Gotsman (causal,
 * prefix, parallel SI), Cerone & Gotsman "Analysing Snapshot Isolation" (an SI
 * history has no dependency cycle without two adjacent anti-dependencies),
 * Daudjee & Salem (strong and strong session SI / serializability).
 *
 * A model is listed with the models it directly implies (is stronger than), and
 * with only the anomalies it forbids on top of those: a model forbids
 * everything a weaker one forbids. The `strong-session-` and `strong-` models
 * add process order and real-time order to the dependency graph.
 */
import { impliedAnomalies } from './anomalies.js'

interface ModelSpec {
  /** Models this one implies: a history satisfying it satisfies them too. */
  implies: string[]
  /** Anomalies it forbids in addition to those the weaker models forbid. */
  forbids: string[]
}

const MODELS: Record<string, ModelSpec> = {
  'read-uncommitted': { implies: [], forbids: ['G0', 'duplicate-elements', 'cyclic-versions', 'garbage-read'] },
  'read-committed': { implies: ['read-uncommitted'], forbids: ['G1'] },
  'monotonic-view': { implies: ['read-committed'], forbids: [] },
  'monotonic-snapshot-read': { implies: ['read-committed'], forbids: [] },
  'cursor-stability': { implies: ['read-committed'], forbids: ['lost-update'] },
  'consistent-view': { implies: ['cursor-stability', 'monotonic-view'], forbids: ['G-single'] },
  'forward-consistent-view': { implies: ['consistent-view'], forbids: [] },
  'update-serializable': { implies: ['forward-consistent-view'], forbids: [] },
  'monotonic-atomic-view': { implies: ['read-committed'], forbids: [] },
  // A repeatable read returns what the transaction read before: an internal
  // inconsistency is the non-repeatable read this level exists to forbid.
  'repeatable-read': { implies: ['cursor-stability', 'monotonic-atomic-view'], forbids: ['G2-item', 'lost-update', 'internal'] },
  'read-atomic': { implies: ['monotonic-atomic-view'], forbids: ['internal', 'G1a', 'future-read'] },
  'update-atomic': { implies: ['read-atomic'], forbids: ['lost-update'] },
  'causal-cerone': { implies: ['read-atomic'], forbids: [] },
  prefix: { implies: ['causal-cerone'], forbids: [] },
  'parallel-snapshot-isolation': { implies: ['causal-cerone', 'update-atomic'], forbids: [] },
  'snapshot-isolation': {
    implies: ['forward-consistent-view', 'monotonic-atomic-view', 'monotonic-snapshot-read', 'parallel-snapshot-isolation', 'prefix'],
    forbids: ['internal', 'G-nonadjacent'],
  },
  serializable: { implies: ['repeatable-read', 'snapshot-isolation', 'update-serializable'], forbids: ['internal', 'G2'] },
  'strong-session-read-uncommitted': { implies: ['read-uncommitted'], forbids: ['G0-process'] },
  'strong-session-read-committed': { implies: ['read-committed', 'strong-session-read-uncommitted'], forbids: ['G1-process'] },
  'strong-read-uncommitted': { implies: ['strong-session-read-uncommitted'], forbids: ['G0-realtime'] },
  'strong-read-committed': { implies: ['strong-session-read-committed', 'strong-read-uncommitted'], forbids: ['G1-realtime'] },
  'strong-session-snapshot-isolation': {
    implies: ['snapshot-isolation', 'strong-session-read-committed'],
    forbids: ['G-nonadjacent-process'],
  },
  'strong-snapshot-isolation': {
    implies: ['strong-session-snapshot-isolation', 'strong-read-committed'],
    forbids: ['G-nonadjacent-realtime'],
  },
  'strong-session-serializable': { implies: ['serializable', 'strong-session-snapshot-isolation'], forbids: ['G2-process'] },
  'strict-serializable': {
    implies: ['serializable', 'strong-snapshot-isolation', 'strong-session-serializable'],
    forbids: ['G2-realtime'],
  },
}

/** Other names for the same models (Adya's PL- levels and common synonyms). */
const ALIASES: Record<string, string> = {
  'PL-1': 'read-uncommitted',
  'PL-2': 'read-committed',
  'PL-2L': 'monotonic-view',
  'PL-MSR': 'monotonic-snapshot-read',
  'PL-CS': 'cursor-stability',
  'PL-2+': 'consistent-view',
  'PL-FCV': 'forward-consistent-view',
  'PL-3U': 'update-serializable',
  'PL-2.99': 'repeatable-read',
  'PL-SI': 'snapshot-isolation',
  'PL-3': 'serializable',
  'PL-SS': 'strict-serializable',
  'conflict-serializable': 'serializable',
  'strong-serializable': 'strict-serializable',
  ROLA: 'update-atomic',
  'strong-session-PL-1': 'strong-session-read-uncommitted',
  'strong-session-PL-2': 'strong-session-read-committed',
  'strong-PL-1': 'strong-read-uncommitted',
  'strong-PL-2': 'strong-read-committed',
}

export const consistencyModelNames: readonly string[] = Object.keys(MODELS).sort()

/** The canonical name of a model, or undefined when it is not one we know. */
export function canonicalModel(name: string): string | undefined {
  if (name in MODELS) return name
  return ALIASES[name] ?? ALIASES[name.toUpperCase()]
}

/** `models` and every model they imply. */
export function weakerModels(models: Iterable<string>): Set<string> {
  const out = new Set<string>()
  const todo = [...models]
  while (todo.length > 0) {
    const m = todo.pop()!
    if (out.has(m)) continue
    out.add(m)
    todo.push(...(MODELS[m]?.implies ?? []))
  }
  return out
}

/** Models that imply any of `models` (the stronger ones), including themselves. */
export function strongerModels(models: Iterable<string>): Set<string> {
  const out = new Set(models)
  let grew = true
  while (grew) {
    grew = false
    for (const [m, spec] of Object.entries(MODELS)) {
      if (!out.has(m) && spec.implies.some((w) => out.has(w))) {
        out.add(m)
        grew = true
      }
    }
  }
  return out
}

/** Every anomaly the models forbid, directly or through a weaker model they imply. */
export function forbiddenAnomalies(models: Iterable<string>): Set<string> {
  const out = new Set<string>()
  for (const m of weakerModels(models)) for (const a of MODELS[m]?.forbids ?? []) out.add(a)
  return out
}

/** The models that cannot hold when these anomalies are present. */
export function impossibleModels(anomalies: Iterable<string>): Set<string> {
  const present = impliedAnomalies(anomalies)
  const direct = Object.entries(MODELS)
    .filter(([, spec]) => spec.forbids.some((a) => present.has(a)))
    .map(([m]) => m)
  return strongerModels(direct)
}

/**
 * The boundary the anomalies draw: `not`, the weakest models they rule out,
 * and `alsoNot`, the stronger models ruled out with them.
 */
export function boundary(anomalies: Iterable<string>): { not: string[]; alsoNot: string[] } {
  const impossible = impossibleModels(anomalies)
  const not: string[] = []
  const alsoNot: string[] = []
  for (const m of [...impossible].sort()) {
    const weaker = weakerModels([m])
    weaker.delete(m)
    if ([...weaker].some((w) => impossible.has(w))) alsoNot.push(m)
    else not.push(m)
  }
  return { not, alsoNot }
}

/** Whether checking these models needs process order, and real-time order, in the graph. */
export function ordersNeeded(models: Iterable<string>): { process: boolean; realtime: boolean } {
  const forbidden = [...forbiddenAnomalies(models)]
  const realtime = forbidden.some((a) => a.endsWith('-realtime'))
  return { process: realtime || forbidden.some((a) => a.endsWith('-process')), realtime }
}
