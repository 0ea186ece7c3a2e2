/**
 * Target and workload names → targets and workloads: the bundled ones, user
 * modules given by path (`--target ./my-target.ts`, loaded by
 * ./user-modules.ts), and the workloads a target ships itself (its
 * `workloads`: bundled names, Workload objects, or module paths).
 *
 * A workload name is looked up in the target's own workloads first, then
 * among the bundled ones. What came from a file carries its absolute path
 * (`module`), which a run records in test.json so `dstest check <run>` loads
 * the same code again. Unknown names are an UnknownNameError (exit 3) listing
 * the valid ones. (Nemeses are named in run/nemeses.ts, checkers in
 * run/checker-registry.ts, runtimes in run/runtimes.ts.)
 */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DstestError, UnknownNameError } from '../core/errors.js'
import type { Target, WorkloadRef } from '../targets/target.js'
import type { Workload } from '../workloads/workload.js'
import { memoryTarget } from '../targets/memory/index.js'
import { raftKvTarget } from '../targets/raft-kv/index.js'
import { chainKvTarget } from '../targets/chain-kv/index.js'
import { registerWorkload } from '../workloads/register.js'
import { setWorkload } from '../workloads/set.js'
import { bankWorkload } from '../workloads/bank.js'
import { counterWorkload } from '../workloads/counter.js'
import { uniqueIdsWorkload } from '../workloads/unique-ids.js'
import { queueWorkload } from '../workloads/queue.js'
import { longForkWorkload } from '../workloads/long-fork.js'
import { listAppendWorkload } from '../workloads/list-append.js'
import { rwRegisterWorkload } from '../workloads/rw-register.js'
import { importUserModule, looksLikePath } from './user-modules.js'

export interface Described {
  name: string
  description: string
}

/** A target, and the absolute path of its module when it came from a file. */
export interface LoadedTarget {
  target: Target
  module?: string
}

/** A workload, and the absolute path of its module when it came from a file of its own. */
export interface LoadedWorkload {
  workload: Workload
  module?: string
}

const targets: Record<string, Target> = {
  'raft-kv': raftKvTarget,
  'chain-kv': chainKvTarget,
  memory: memoryTarget,
}

const workloads: Record<string, Workload> = {
  register: registerWorkload,
  set: setWorkload,
  bank: bankWorkload,
  counter: counterWorkload,
  'unique-ids': uniqueIdsWorkload,
  queue: queueWorkload,
  'long-fork': longForkWorkload,
  'list-append': listAppendWorkload,
  'rw-register': rwRegisterWorkload,
}

export function listTargets(): Target[] {
  return Object.values(targets)
}

export function listWorkloads(): Workload[] {
  return Object.values(workloads)
}

export { looksLikePath }

const isTarget = (t: unknown): t is Target => {
  const x = t as Partial<Target> | undefined
  return typeof x?.setup === 'function' && typeof x.client === 'function' && Array.isArray(x.operations) && Array.isArray(x.workloads)
}
const isWorkload = (w: unknown): w is Workload => {
  const x = w as Partial<Workload> | undefined
  return typeof x?.name === 'string' && typeof x.generator === 'function' && typeof x.checkers === 'function' && Array.isArray(x.operations)
}

/** The default export, else the export named after the kind. */
async function exportOf(abs: string, given: string, kind: 'target' | 'workload'): Promise<unknown> {
  const mod = await importUserModule(abs, given, kind)
  return mod.default ?? mod[kind]
}

export async function loadTarget(name: string): Promise<LoadedTarget> {
  if (looksLikePath(name)) {
    const abs = absolutePath(name, process.cwd())
    const t = await exportOf(abs, name, 'target')
    if (!isTarget(t)) {
      throw new DstestError('E_USAGE', `${name} does not export a target`, {
        fix: 'export default defineTarget({ name, workloads, operations, setup, teardown, client }) from it',
      })
    }
    return { target: t, module: abs }
  }
  const t = targets[name]
  if (!t) throw new UnknownNameError('target', name, Object.keys(targets))
  return { target: t }
}

export async function resolveTarget(name: string): Promise<Target> {
  return (await loadTarget(name)).target
}

async function loadWorkloadModule(abs: string, given: string): Promise<LoadedWorkload> {
  const w = await exportOf(abs, given, 'workload')
  if (!isWorkload(w)) {
    throw new DstestError('E_USAGE', `${given} does not export a workload`, { fix: 'export default defineWorkload({ name, operations, generator, checkers }) from it' })
  }
  return { workload: w, module: abs }
}

/**
 * The workloads a target ships itself (objects and modules, in its order),
 * loaded; bundled names it lists are not among them. Relative module paths
 * are relative to the target's module file.
 */
export async function targetWorkloads(loaded: LoadedTarget): Promise<LoadedWorkload[]> {
  const base = loaded.module ? dirname(loaded.module) : process.cwd()
  const out: LoadedWorkload[] = []
  for (const ref of loaded.target.workloads) {
    const module = moduleOf(ref, base)
    if (module !== undefined) out.push(await loadWorkloadModule(module, String(ref)))
    else if (typeof ref === 'object' && !(ref instanceof URL)) {
      if (!isWorkload(ref)) throw new DstestError('E_USAGE', `target ${loaded.target.name} lists a workload that is not one`, { fix: 'list defineWorkload({...}) objects, module paths or bundled names' })
      out.push({ workload: ref })
    }
  }
  return out
}

/** The names of every workload a target serves, in its order (its first is the default). */
export async function targetWorkloadNames(loaded: LoadedTarget): Promise<string[]> {
  const own = await targetWorkloads(loaded)
  const base = loaded.module ? dirname(loaded.module) : process.cwd()
  let i = 0
  return loaded.target.workloads.map((ref) => (typeof ref === 'string' && moduleOf(ref, base) === undefined ? ref : own[i++]!.workload.name))
}

/**
 * `--workload NAME`: a module path; else one of the target's own workloads
 * by name; else a bundled one. Without a name, the target's first.
 */
export async function loadWorkload(name: string | undefined, target?: LoadedTarget): Promise<LoadedWorkload> {
  if (name !== undefined && looksLikePath(name)) return loadWorkloadModule(absolutePath(name, process.cwd()), name)
  const own = target ? await targetWorkloads(target) : []
  if (name === undefined) {
    const first = target?.target.workloads[0]
    if (first === undefined) throw new DstestError('E_USAGE', `target ${target?.target.name ?? '?'} names no workload`, { fix: 'pass --workload' })
    if (typeof first !== 'string' || looksLikePath(first)) return own[0]!
    name = first
  }
  const mine = own.find((w) => w.workload.name === name)
  if (mine) return mine
  const w = workloads[name]
  if (!w) {
    const valid = [...new Set([...own.map((x) => x.workload.name), ...Object.keys(workloads)])]
    throw new UnknownNameError('workload', name, valid)
  }
  return { workload: w }
}

export async function resolveWorkload(name: string): Promise<Workload> {
  return (await loadWorkload(name)).workload
}

/** The absolute module path a workload reference names, or undefined for an object or a bundled name. */
function moduleOf(ref: WorkloadRef, base: string): string | undefined {
  if (ref instanceof URL) return fileURLToPath(ref)
  if (typeof ref === 'string' && looksLikePath(ref)) return absolutePath(ref, base)
  return undefined
}

function absolutePath(given: string, base: string): string {
  return given.startsWith('file:') ? fileURLToPath(given) : resolve(base, given)
}
