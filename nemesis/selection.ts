/**
 * Which nodes a fault hits (Jepsen's `:targets`): one node, a minority, a
 * majority, all, or the current primaries. Pure except 'primaries', which is
 * resolved when the fault is applied (leaders change during a test).
 */
import type { Random } from '../core/random.js'
import { NODE_SELECTIONS } from '../core/spec.js'

// The names are part of the test spec (`--nemesis-targets`), so they are declared there.
export { NODE_SELECTIONS }
export type NodeSelection = (typeof NODE_SELECTIONS)[number]

/** The nodes a selection names, sorted; 'primaries' returns the primaries given. */
export function selectNodes(selection: NodeSelection, nodes: readonly string[], random: Random, primaries: readonly string[] = []): string[] {
  const n = nodes.length
  const sortByCluster = (xs: string[]): string[] => xs.sort((a, b) => nodes.indexOf(a) - nodes.indexOf(b))
  switch (selection) {
    case 'one':
      return n === 0 ? [] : [random.pick(nodes)]
    case 'minority':
      // A random non-empty minority: 1..⌈n/2⌉-1 nodes (at least one).
      return sortByCluster(random.shuffle(nodes).slice(0, random.between(1, Math.max(1, Math.ceil(n / 2) - 1))))
    case 'majority':
      return sortByCluster(random.shuffle(nodes).slice(0, Math.floor(n / 2) + 1))
    case 'all':
      return [...nodes]
    case 'primaries':
      return nodes.filter((x) => primaries.includes(x))
  }
}

/** A fault's node choice in a planned op: nodes chosen up front, or 'primaries' resolved when applied. */
export type PlannedNodes = string[] | 'primaries'

export function planNodes(selection: NodeSelection, nodes: readonly string[], random: Random): PlannedNodes {
  return selection === 'primaries' ? 'primaries' : selectNodes(selection, nodes, random)
}
