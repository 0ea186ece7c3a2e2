/**
 * `--nemesis` names → a nemesis package for the run. 'none' is built in; the
 * fault kinds (partition, packet, clock, kill, pause) come from nemesis/.
 */
import type { Cluster } from '../control/remote.js'
import { DstestError, UsageError } from '../core/errors.js'
import type { Random } from '../core/random.js'
import type { TestSpec } from '../core/spec.js'
import { noopNemesis, type NemesisPackage } from '../nemesis/nemesis.js'
import type { Target } from '../targets/target.js'

export const FAULT_KINDS = ['partition', 'packet', 'clock', 'kill', 'pause'] as const

export function isNoNemesis(spec: TestSpec): boolean {
  return spec.nemesis.length === 0 || (spec.nemesis.length === 1 && spec.nemesis[0] === 'none')
}

export function validateNemesis(spec: TestSpec, runtime: string): void {
  if (isNoNemesis(spec)) return
  for (const k of spec.nemesis) {
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      throw new DstestError('E_UNKNOWN_NAME', `unknown nemesis '${k}'`, { fix: `choose from: none, ${FAULT_KINDS.join(', ')} (comma-separated)` })
    }
  }
  if (runtime === 'memory') {
    throw new UsageError('the memory runtime runs the target in-process, so it has no network, clocks or processes to fault', 'use --nemesis none, or a Docker target such as --target raft-kv')
  }
}

export async function buildNemesisPackage(spec: TestSpec, _cluster: Cluster, _random: Random, _target: Target): Promise<NemesisPackage> {
  if (isNoNemesis(spec)) {
    return { nemesis: noopNemesis(), generator: null, finalGenerator: null, description: 'no faults' }
  }
  throw new DstestError('E_UNSUPPORTED', `nemesis ${spec.nemesis.join(',')} is not wired in this build`, { fix: 'use --nemesis none' })
}

export function planFor(spec: TestSpec, seed: number): string {
  if (isNoNemesis(spec)) return `seed ${seed}: no faults planned (--nemesis none)\n`
  throw new DstestError('E_UNSUPPORTED', 'dry-run planning is not wired in this build', { fix: 'use --nemesis none' })
}

export function listNemeses(): { name: string; description: string }[] {
  return [{ name: 'none', description: 'no faults' }]
}
