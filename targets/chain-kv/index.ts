/**
 * `--target chain-kv`: the bundled chain-replication key-value store (server in
 * ./server/, copied into every node by `imageLayer()` together with the raft-kv
 * server modules its master uses, and started with node). Supports kill/start,
 * pause/resume, log download and asking who the head and tail are; `--bug NAME`
 * runs one of the deliberate bug modes of ./server/bugs.ts.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, posix, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ImageLayer } from '../../control/docker/image.js'
import { faketimeEnv } from '../../control/faketime.js'
import type { Cluster } from '../../control/remote.js'
import { DstestError, EnvironmentError } from '../../core/errors.js'
import {
  defineTarget,
  type HasImage,
  type Killable,
  type LogFiles,
  type Pausable,
  type Primaries,
  type Target,
  type TargetOptions,
} from '../target.js'
import { CHAIN_KV_PORT, ChainKvClient } from './client.js'
import { BUGS, isBugName } from './server/bugs.js'
import type { Status } from './server/messages.js'

/** Where the layer puts the compiled targets inside a node (dist/targets/ is copied below it, layout kept). */
export const TARGETS_DIR = '/opt/dstest/targets'
export const SERVER_DIR = `${TARGETS_DIR}/chain-kv/server`
export const DATA_DIR = '/var/lib/chain-kv'
export const LOG_FILE = '/var/log/chain-kv.log'
export const PID_FILE = '/var/run/chain-kv.pid'
const READY_TIMEOUT_MS = 20_000

/** The bug each running cluster was set up with, for restarts after a kill and for its clients. */
const bugOfRun = new Map<string, string | undefined>()

/** The node's argv: every node listens on CHAIN_KV_PORT and knows all peers by address (in initial chain order). */
export function serverArgv(cluster: Cluster, node: string, bug: string | undefined): string[] {
  const peers = cluster.nodes.map((n) => `${n.name}=${n.address}:${CHAIN_KV_PORT}`).join(',')
  return [
    'node',
    `${SERVER_DIR}/main.js`,
    ...['--id', node, '--peers', peers, '--listen', `0.0.0.0:${CHAIN_KV_PORT}`],
    ...['--data', DATA_DIR, '--log', LOG_FILE, '--pid-file', PID_FILE],
    ...(bug ? ['--bug', bug] : []),
  ]
}

/** dist/targets/ (the compiled targets), also when this module runs from source. */
export function compiledTargetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  return here.split(sep).includes('dist') ? dirname(here) : join(here, '..', '..', 'dist', 'targets')
}

/**
 * The compiled server files main.js needs, as paths relative to dist/targets/:
 * main.js and every relative import, followed transitively (so the raft-kv
 * modules the master uses come along, and nothing else).
 */
export function serverFiles(targetsDir: string = compiledTargetsDir()): string[] {
  const seen = new Set<string>()
  const visit = (rel: string): void => {
    if (seen.has(rel)) return
    seen.add(rel)
    const source = readFileSync(join(targetsDir, rel), 'utf8')
    for (const m of source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      visit(posix.normalize(posix.join(posix.dirname(rel), m[1]!)))
    }
  }
  visit('chain-kv/server/main.js')
  return [...seen].sort()
}

async function startServer(cluster: Cluster, node: string): Promise<void> {
  await cluster.remote(node).exec(serverArgv(cluster, node, bugOfRun.get(cluster.runId)), { detach: true, env: faketimeEnv() })
}

/** Signals the server through its pid file (no user data lives in it, so a shell is fine). */
async function signalServer(cluster: Cluster, node: string, signal: 'KILL' | 'STOP' | 'CONT' | 'TERM'): Promise<void> {
  const r = await cluster.remote(node).exec(['sh', '-c', `kill -${signal} "$(cat ${PID_FILE})"`], { timeoutMs: 10_000 })
  if (r.exitCode !== 0) {
    throw new EnvironmentError('E_REMOTE', `chain-kv on ${node}: kill -${signal} failed (${r.stderr.trim() || `exit ${r.exitCode}`})`, `is the server running? see ${LOG_FILE} on ${node}`)
  }
}

async function nodeStatus(address: string): Promise<Status | undefined> {
  try {
    const res = await fetch(`http://${address}:${CHAIN_KV_PORT}/status`, { signal: AbortSignal.timeout(1000) })
    return (await res.json()) as Status
  } catch {
    return undefined
  }
}

/** Resolves once every node has adopted a configuration whose chain holds them all; E_CLUSTER after READY_TIMEOUT_MS. */
async function waitForChain(cluster: Cluster): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  let last: (Status | undefined)[] = []
  while (Date.now() < deadline) {
    last = await Promise.all(cluster.nodes.map((n) => nodeStatus(n.address)))
    const first = last[0]
    if (first && first.chain.length === cluster.nodes.length && last.every((s) => s?.epoch === first.epoch && s.role !== 'standby')) return
    await new Promise((r) => setTimeout(r, 100))
  }
  const seen = cluster.nodes.map((n, i) => `${n.name}: ${last[i] ? `${last[i].role} epoch ${last[i].epoch}` : 'no answer'}`).join(', ')
  throw new EnvironmentError(
    'E_CLUSTER',
    `chain-kv formed no chain of all ${cluster.nodes.length} nodes within ${READY_TIMEOUT_MS / 1000} s (${seen})`,
    `read ${LOG_FILE} of each node (downloaded into the run's nodes/ folder)`,
  )
}

async function waitForAnswer(cluster: Cluster, node: string): Promise<void> {
  const address = cluster.nodes.find((n) => n.name === node)?.address
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (address !== undefined && Date.now() < deadline) {
    if (await nodeStatus(address)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new EnvironmentError('E_CLUSTER', `chain-kv on ${node} did not answer within ${READY_TIMEOUT_MS / 1000} s of starting`, `read ${LOG_FILE} on ${node}`)
}

export const chainKvTarget = defineTarget<Target & Killable & Pausable & LogFiles & Primaries & HasImage>({
  name: 'chain-kv',
  description: 'the bundled chain-replication key-value store (master replicated with Raft): read/write/cas registers and single-key append',
  bugs: BUGS,
  workloads: ['register'],
  runtimes: ['docker', 'ssh'],

  imageLayer(): ImageLayer {
    const dir = compiledTargetsDir()
    if (!existsSync(join(dir, 'chain-kv', 'server', 'main.js'))) {
      throw new EnvironmentError('E_CLUSTER', `the chain-kv server is not built (${join(dir, 'chain-kv', 'server', 'main.js')} is missing)`, 'run `npm run build` first')
    }
    return { name: 'chain-kv', files: serverFiles(dir).map((rel) => ({ from: join(dir, rel), to: `${TARGETS_DIR}/${rel}` })) }
  },

  async setup(cluster: Cluster, options: TargetOptions) {
    if (options.bug !== undefined && !isBugName(options.bug)) {
      throw new DstestError('E_UNKNOWN_NAME', `unknown bug '${options.bug}' for target chain-kv`, { fix: `choose one of: ${Object.keys(BUGS).join(', ')}` })
    }
    bugOfRun.set(cluster.runId, options.bug)
    await Promise.all(cluster.nodes.map((n) => startServer(cluster, n.name)))
    await waitForChain(cluster)
  },

  async teardown(cluster: Cluster) {
    // CONT first: a paused server would not act on TERM. Idempotent: no server, no error.
    const stop = `pid="$(cat ${PID_FILE} 2>/dev/null)" && kill -CONT "$pid" && kill -TERM "$pid"; true`
    await Promise.all(cluster.nodes.map((n) => cluster.remote(n.name).exec(['sh', '-c', stop], { timeoutMs: 10_000 }).catch(() => undefined)))
    bugOfRun.delete(cluster.runId)
  },

  client: ({ node, cluster }) =>
    new ChainKvClient({
      node,
      nodes: cluster.nodes.map((n) => ({ name: n.name, address: n.address })),
      // Bug read-any is a server that answers reads anywhere: the client asks its own node.
      readAt: bugOfRun.get(cluster.runId) === 'read-any' ? 'own-node' : 'tail',
    }),

  kill: (cluster: Cluster, node: string) => signalServer(cluster, node, 'KILL'),
  async start(cluster: Cluster, node: string) {
    await startServer(cluster, node)
    await waitForAnswer(cluster, node)
  },
  pause: (cluster: Cluster, node: string) => signalServer(cluster, node, 'STOP'),
  resume: (cluster: Cluster, node: string) => signalServer(cluster, node, 'CONT'),
  logFiles: () => [LOG_FILE],

  /** The head and the tail of the newest configuration any node reports. */
  async primaries(cluster: Cluster) {
    const statuses = (await Promise.all(cluster.nodes.map((n) => nodeStatus(n.address)))).filter((s): s is Status => s !== undefined)
    const newest = statuses.sort((a, b) => b.epoch - a.epoch).find((s) => s.head !== null)
    if (!newest) return []
    return [...new Set([newest.head!, newest.tail!])]
  },
})

export default chainKvTarget
