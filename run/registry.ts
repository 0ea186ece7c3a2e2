/**
 * Target and workload names → targets and workloads: the bundled ones, and
 * user modules given by path (`--workload ./my-workload.js`). Unknown names
 * are an UnknownNameError (exit 3) listing the valid ones. (Nemeses are named
 * in run/nemeses.ts, checkers in run/checker-registry.ts, runtimes in
 * run/runtimes.ts.)
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DstestError, UnknownNameError } from '../core/errors.js'
import type { Target } from '../targets/target.js'
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

export interface Described {
  name: string
  description: string
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
}

export function listTargets(): Target[] {
  return Object.values(targets)
}

export function listWorkloads(): Workload[] {
  return Object.values(workloads)
}

function looksLikePath(name: string): boolean {
  return name.startsWith('.') || name.startsWith('/') || /\.(m?js|ts)$/.test(name)
}

/** Imports a user's module and takes its default export (or the named one). */
async function importUserModule(path: string, kind: string): Promise<unknown> {
  const abs = resolve(path)
  if (!existsSync(abs)) {
    throw new DstestError('E_NOT_FOUND', `no ${kind} file at ${path}`, { fix: `pass a path to an existing .js or .mjs ${kind} module` })
  }
  if (abs.endsWith('.ts')) {
    throw new DstestError('E_USAGE', `cannot load ${path}: this Node has no TypeScript loader`, {
      fix: `compile it first (npx tsc) and pass the .js file, or run with a TS loader: node --import tsx $(which dstest) ...`,
    })
  }
  const mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>
  return mod.default ?? mod[kind]
}

export async function resolveTarget(name: string): Promise<Target> {
  if (looksLikePath(name)) {
    const t = (await importUserModule(name, 'target')) as Target | undefined
    if (!t || typeof t.setup !== 'function' || typeof t.client !== 'function' || !Array.isArray(t.operations)) {
      throw new DstestError('E_USAGE', `${name} does not export a target`, { fix: 'export default defineTarget({ name, operations, setup, teardown, client }) from it' })
    }
    return t
  }
  const t = targets[name]
  if (!t) throw new UnknownNameError('target', name, Object.keys(targets))
  return t
}

export async function resolveWorkload(name: string): Promise<Workload> {
  if (looksLikePath(name)) {
    const w = (await importUserModule(name, 'workload')) as Workload | undefined
    if (!w || typeof w.generator !== 'function' || typeof w.checkers !== 'function' || !Array.isArray(w.operations)) {
      throw new DstestError('E_USAGE', `${name} does not export a workload`, { fix: 'export default defineWorkload({ name, operations, generator, checkers }) from it' })
    }
    return w
  }
  const w = workloads[name]
  if (!w) throw new UnknownNameError('workload', name, Object.keys(workloads))
  return w
}
