/**
 * Anomaly names and which anomalies imply which (Adya's definitions, and the
 * extra kinds a list or register history can show). "A implies B" means a
 * history with A also has B for every purpose of ruling models out: a cycle
 * with exactly one anti-dependency (G-single) is also a cycle whose
 * anti-dependencies are never adjacent (G-nonadjacent), which is a G2 cycle.
 */

/** Cycle shapes, from the number and placement of their rw edges. */
export const CYCLE_BASES = ['G0', 'G1c', 'G-single-item', 'G-nonadjacent-item', 'G2-item'] as const
export type CycleBase = (typeof CYCLE_BASES)[number]

/** Which extra orders a cycle needs: none (data edges only), process order, or real time. */
export type Level = 0 | 1 | 2
export const LEVEL_SUFFIX = ['', '-process', '-realtime'] as const

/** Found in single transactions or single keys rather than in cycles. */
export const OP_ANOMALIES = [
  'G1a', // aborted read: a committed transaction read a failed one's write
  'G1b', // intermediate read: it read a version its writer later overwrote
  'internal', // a read disagrees with the transaction's own earlier reads and writes
  'dirty-update', // a committed append follows a failed one in a key's version order
  'duplicate-elements', // a list read holds an element twice
  'incompatible-order', // two reads of a list, neither a prefix of the other
  'lost-update', // two committed transactions read one version of a key and both wrote it
  'future-read', // a transaction read its own write before making it
  'garbage-read', // a read of a value no transaction wrote
  'cyclic-versions', // a register's version order, as the reads and writes give it, is cyclic
] as const

/** Anomaly types that make a result undecided rather than invalid. */
export const UNKNOWN_ANOMALIES = ['cycle-search-timeout', 'empty-transaction-graph'] as const

/** Generalisations that a check never reports itself but that models forbid. */
const GENERAL = ['G1', 'G-single', 'G-nonadjacent', 'G2'] as const

const implied = new Map<string, string[]>()
function imply(a: string, ...bs: string[]): void {
  const list = implied.get(a) ?? []
  list.push(...bs)
  implied.set(a, list)
}

// Within each level: the shapes' own implications.
for (const s of LEVEL_SUFFIX) {
  imply(`G0${s}`, `G1c${s}`)
  imply(`G1c${s}`, `G1${s}`)
  imply(`G-single-item${s}`, `G-single${s}`, `G-nonadjacent-item${s}`)
  imply(`G-single${s}`, `G-nonadjacent${s}`)
  imply(`G-nonadjacent-item${s}`, `G-nonadjacent${s}`, `G2-item${s}`)
  imply(`G-nonadjacent${s}`, `G2${s}`)
  imply(`G2-item${s}`, `G2${s}`)
}
// Across levels: a cycle without process edges is trivially one that may use them;
// process order is part of real-time order (a process runs one operation at a time).
for (const base of [...CYCLE_BASES, ...GENERAL]) {
  imply(base, `${base}-process`)
  imply(`${base}-process`, `${base}-realtime`)
}
imply('G1a', 'G1')
imply('G1b', 'G1')
// Two reads from different timelines: one of them saw a write that never committed.
imply('incompatible-order', 'G1a')
// A committed append built on a failed one is a dirty read by another name.
imply('dirty-update', 'G1a')
// Reading one's own later write is a trivial wr cycle of one transaction.
imply('future-read', 'G1c')
// Both read one version and both wrote after it: an anti-dependency cycle on one key.
imply('lost-update', 'G2-item')

/** Every anomaly implied by any of `types`, including themselves. */
export function impliedAnomalies(types: Iterable<string>): Set<string> {
  const out = new Set<string>()
  const todo = [...types]
  while (todo.length > 0) {
    const t = todo.pop()!
    if (out.has(t)) continue
    out.add(t)
    for (const u of implied.get(t) ?? []) todo.push(u)
  }
  return out
}

export function cycleName(base: CycleBase, level: Level): string {
  return `${base}${LEVEL_SUFFIX[level]}`
}

export function isUnknownType(type: string): boolean {
  return (UNKNOWN_ANOMALIES as readonly string[]).includes(type)
}

/**
 * Classifies a cycle by its relations, in order around the cycle: the number of
 * anti-dependencies (rw) and whether two of them are adjacent give the shape;
 * real-time or process edges (or version orders inferred from them) give the level.
 */
export function classifyCycle(steps: readonly { rw: boolean; wr: boolean; level: Level }[]): { base: CycleBase; level: Level } {
  const n = steps.length
  let rw = 0
  let wr = false
  let adjacent = false
  let level: Level = 0
  for (let i = 0; i < n; i++) {
    const s = steps[i]!
    if (s.rw) {
      rw++
      if (steps[(i + 1) % n]!.rw && n > 1) adjacent = true
    }
    if (s.wr) wr = true
    if (s.level > level) level = s.level
  }
  let base: CycleBase
  if (rw === 0) base = wr ? 'G1c' : 'G0'
  else if (rw === 1) base = 'G-single-item'
  else base = adjacent ? 'G2-item' : 'G-nonadjacent-item'
  return { base, level }
}
