/**
 * `--target raft-kv`: the bundled Raft key-value store (server in ./server/,
 * copied into every node by `imageLayer()` and started with node). Supports
 * kill/start, pause/resume, log download and asking who leads; `--bug NAME`
 * runs one of the deliberate bug modes of ./server/bugs.ts.
 */
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
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
import { RAFT_KV_PORT, RaftKvClient } from './client.js'
import { BUGS, isBugName } from './server/bugs.js'
import type { Status } from './server/messages.js'

/** Where the layer puts the server inside a node. */
export const SERVER_DIR = '/opt/dstest/targets/raft-kv/server'
export const DATA_DIR = '/var/lib/raft-kv'
export const LOG_FILE = '/var/log/raft-kv.log'
export const PID_FILE = '/var/run/raft-kv.pid'
const READY_TIMEOUT_MS = 20_000

/** The bug each running cluster was set up with, for restarts after a kill. */
const bugOfRun = new Map<string, string | undefined>()

/** The node's argv: every node listens on RAFT_KV_PORT and knows all peers by address. */
export function serverArgv(cluster: Cluster, node: string, bug: string | undefined): string[] {
  const peers = cluster.nodes.map((n) => `${n.name}=${n.address}:${RAFT_KV_PORT}`).join(',')
  return [
    'node',
    `${SERVER_DIR}/main.js`,
    ...['--id', node, '--peers', peers, '--listen', `0.0.0.0:${RAFT_KV_PORT}`],
    ...['--data', DATA_DIR, '--log', LOG_FILE, '--pid-file', PID_FILE],
    ...(bug ? ['--bug', bug] : []),
  ]
}

/** The compiled server files (dist/targets/raft-kv/server/*.js), also when this module runs from source. */
export function compiledServerDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const compiled = here.split(sep).includes('dist') ? here : join(here, '..', '..', 'dist', 'targets', 'raft-kv')
  return join(compiled, 'server')
}

async function startServer(cluster: Cluster, node: string): Promise<void> {
  await cluster.remote(node).exec(serverArgv(cluster, node, bugOfRun.get(cluster.runId)), { detach: true, env: faketimeEnv() })
}

/** Signals the server through its pid file (no user data lives in it, so a shell is fine). */
async function signalServer(cluster: Cluster, node: string, signal: 'KILL' | 'STOP' | 'CONT' | 'TERM'): Promise<void> {
  const r = await cluster.remote(node).exec(['sh', '-c', `kill -${signal} "$(cat ${PID_FILE})"`], { timeoutMs: 10_000 })
  if (r.exitCode !== 0) {
    throw new EnvironmentError('E_REMOTE', `raft-kv on ${node}: kill -${signal} failed (${r.stderr.trim() || `exit ${r.exitCode}`})`, `is the server running? see ${LOG_FILE} on ${node}`)
  }
}

async function nodeStatus(address: string): Promise<Status | undefined> {
  try {
    const res = await fetch(`http://${address}:${RAFT_KV_PORT}/status`, { signal: AbortSignal.timeout(1000) })
    return (await res.json()) as Status
  } catch {
    return undefined
  }
}

/** Resolves once a majority of nodes follow one leader; E_CLUSTER after READY_TIMEOUT_MS. */
async function waitForLeader(cluster: Cluster): Promise<string> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  let last: (Status | undefined)[] = []
  while (Date.now() < deadline) {
    last = await Promise.all(cluster.nodes.map((n) => nodeStatus(n.address)))
    const leader = last.find((s) => s?.role === 'leader')
    if (leader && last.filter((s) => s?.term === leader.term && s.leader === leader.id).length > cluster.nodes.length / 2) return leader.id
    await new Promise((r) => setTimeout(r, 100))
  }
  const seen = cluster.nodes.map((n, i) => `${n.name}: ${last[i] ? `${last[i].role} term ${last[i].term}` : 'no answer'}`).join(', ')
  throw new EnvironmentError(
    'E_CLUSTER',
    `raft-kv elected no leader within ${READY_TIMEOUT_MS / 1000} s (${seen})`,
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
  throw new EnvironmentError('E_CLUSTER', `raft-kv on ${node} did not answer within ${READY_TIMEOUT_MS / 1000} s of starting`, `read ${LOG_FILE} on ${node}`)
}

export const raftKvTarget = defineTarget<Target & Killable & Pausable & LogFiles & Primaries & HasImage>({
  name: 'raft-kv',
  description: 'the bundled Raft key-value store: read/write/cas registers and multi-key append/read/write transactions',
  bugs: BUGS,
  workloads: ['register'],
  runtimes: ['docker', 'ssh'],

  imageLayer(): ImageLayer {
    const dir = compiledServerDir()
    if (!existsSync(join(dir, 'main.js'))) {
      throw new EnvironmentError('E_CLUSTER', `the raft-kv server is not built (${join(dir, 'main.js')} is missing)`, 'run `npm run build` first')
    }
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .sort()
      .map((f) => ({ from: join(dir, f), to: `${SERVER_DIR}/${f}` }))
    return { name: 'raft-kv', files }
  },

  async setup(cluster: Cluster, options: TargetOptions) {
    if (options.bug !== undefined && !isBugName(options.bug)) {
      throw new DstestError('E_UNKNOWN_NAME', `unknown bug '${options.bug}' for target raft-kv`, { fix: `choose one of: ${Object.keys(BUGS).join(', ')}` })
    }
    bugOfRun.set(cluster.runId, options.bug)
    await Promise.all(cluster.nodes.map((n) => startServer(cluster, n.name)))
    await waitForLeader(cluster)
  },

  async teardown(cluster: Cluster) {
    // CONT first: a paused server would not act on TERM. Idempotent: no server, no error.
    const stop = `pid="$(cat ${PID_FILE} 2>/dev/null)" && kill -CONT "$pid" && kill -TERM "$pid"; true`
    await Promise.all(cluster.nodes.map((n) => cluster.remote(n.name).exec(['sh', '-c', stop], { timeoutMs: 10_000 }).catch(() => undefined)))
    bugOfRun.delete(cluster.runId)
  },

  client: ({ node, address }) => new RaftKvClient({ node, address }),

  kill: (cluster: Cluster, node: string) => signalServer(cluster, node, 'KILL'),
  async start(cluster: Cluster, node: string) {
    await startServer(cluster, node)
    await waitForAnswer(cluster, node)
  },
  pause: (cluster: Cluster, node: string) => signalServer(cluster, node, 'STOP'),
  resume: (cluster: Cluster, node: string) => signalServer(cluster, node, 'CONT'),
  logFiles: () => [LOG_FILE],

  async primaries(cluster: Cluster) {
    const statuses = await Promise.all(cluster.nodes.map((n) => nodeStatus(n.address)))
    return statuses.filter((s): s is Status => s?.role === 'leader').map((s) => s.id)
  },
})

export default raftKvTarget
