/**
 * Every fault kind `--nemesis` can name, in the order `dstest list nemeses`
 * shows them. A new kind is one record (nemesis/fault-kind.ts) added here.
 */
import { clockFault } from './clock.js'
import type { FaultKind } from './fault-kind.js'
import { packetFault } from './packet.js'
import { partitionFault } from './partition.js'
import { killFault, pauseFault } from './process.js'
import { skewedLeaderFault } from './skewed-leader.js'

export const FAULT_KINDS = [partitionFault, packetFault, clockFault, killFault, pauseFault, skewedLeaderFault] as const

export type NemesisKind = (typeof FAULT_KINDS)[number]['name']

export const NEMESIS_KINDS: readonly NemesisKind[] = FAULT_KINDS.map((k) => k.name)

/** The record of a kind `parseNemesisKinds` accepted. */
export function faultKind(name: NemesisKind): FaultKind<NemesisKind> {
  return FAULT_KINDS.find((k) => k.name === name)!
}
