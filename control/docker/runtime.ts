/**
 * The Docker runtime: creates a cluster for a run (one bridge network, one
 * container per node, all labelled `dstest.run=<run-id>` and with their owner:
 * host, pid and start of the dstest process, control/owner.ts), and removes
 * what earlier runs left behind: by default only runs whose owner is gone.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DstestError, EnvironmentError } from '../../core/errors.js'
import { CONTROL_DIR, writeFaketimeOffset } from '../faketime.js'
import { currentOwner, ownerFromLabels, ownerLabels, selectForCleanup, type CleanupResult, type CleanupScope, type Owner } from '../owner.js'
import type { ClusterSpec, Runtime } from '../remote.js'
import { controlDirOf, DockerCluster, type DockerNode } from './cluster.js'
import { DEFAULT_SOCKET, Engine, NODE_LABEL, RUN_LABEL } from './engine.js'
import type { ImageLayer } from '../image/layer.js'
import { ensureImage } from './image.js'

export interface DockerRuntimeOptions {
  socketPath?: string
  /** The target's layer, used when the spec names no image. */
  layer?: ImageLayer
  /** A line now and then while the node image is built. */
  progress?: (message: string) => void
  /** How network faults reach a node: nsenter from the host (default; falls back to exec by itself) or `docker exec`. */
  netVia?: 'nsenter' | 'exec'
  /** How long to wait for every node to answer an exec. */
  readyTimeoutMs?: number
}

const RUN_ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/
const CONTROL_PREFIX = 'dstest-control-'
/** In a run's control folder: its owner, for a cleanup that finds the folder without containers. */
const OWNER_FILE = 'owner.json'
/** The main process of every node: does nothing, forever (targets are exec'd); coreutils' sleep is in every image, node is not. */
const IDLE = ['sleep', 'infinity']

/** Address plan of a run: 10.222.X.0/24, gateway .1, node i at .(10+i). */
export function subnetAddresses(x: number, nodes: number): { subnet: string; gateway: string; ips: string[] } {
  if (nodes < 1 || nodes > 200) throw new RangeError(`a cluster has 1..200 nodes, got ${nodes}`)
  const prefix = `10.222.${x}`
  return {
    subnet: `${prefix}.0/24`,
    gateway: `${prefix}.1`,
    ips: Array.from({ length: nodes }, (_, i) => `${prefix}.${11 + i}`),
  }
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined
  return (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0)
}

/** Third octets X whose 10.222.X.0/24 overlaps a docker subnet or a host address. */
export function usedThirdOctets(subnets: readonly string[], hostAddresses: readonly string[]): Set<number> {
  const ranges: [number, number][] = []
  for (const s of subnets) {
    const [ip, bitsText] = s.split('/')
    const base = ip === undefined ? undefined : ipv4ToInt(ip)
    const bits = Number(bitsText)
    if (base === undefined || !(bits >= 0 && bits <= 32)) continue
    const size = 2 ** (32 - bits)
    const start = base - (base % size)
    ranges.push([start, start + size - 1])
  }
  for (const a of hostAddresses) {
    const n = ipv4ToInt(a)
    if (n !== undefined) ranges.push([n, n])
  }
  const used = new Set<number>()
  const first = ipv4ToInt('10.222.0.0')!
  for (let x = 0; x < 256; x++) {
    const lo = first + x * 256
    const hi = lo + 255
    if (ranges.some(([a, b]) => a <= hi && b >= lo)) used.add(x)
  }
  return used
}

function hashOf(s: string): number {
  let h = 2166136261
  for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0
  return h
}

export class DockerRuntime implements Runtime {
  readonly name = 'docker'
  private readonly options: DockerRuntimeOptions

  constructor(options: DockerRuntimeOptions = {}) {
    this.options = options
  }

  engine(): Promise<Engine> {
    return Engine.connect(this.options.socketPath ?? DEFAULT_SOCKET)
  }

  async createCluster(spec: ClusterSpec): Promise<DockerCluster> {
    if (!RUN_ID_RE.test(spec.runId)) {
      throw new EnvironmentError('E_CLUSTER', `bad run id '${spec.runId}'`, 'use letters, digits, ".", "_" or "-" (at most 63)')
    }
    const engine = await this.engine()
    const image = spec.image ?? (await ensureImage(engine, this.options.layer, { progress: this.options.progress })).tag
    const owner = currentOwner()
    const labels = { [RUN_LABEL]: spec.runId, ...ownerLabels(owner) }
    const controlRoot = spec.controlDir ?? join(tmpdir(), `${CONTROL_PREFIX}${spec.runId}`)
    const created: { containers: string[]; network?: string } = { containers: [] }
    try {
      if (spec.controlDir === undefined) {
        await mkdir(controlRoot, { recursive: true })
        await writeFile(join(controlRoot, OWNER_FILE), JSON.stringify(owner) + '\n')
      }
      const networkName = `dstest-${spec.runId}`
      const { id: networkId, ips } = await this.createNetwork(engine, networkName, spec.nodes, labels, spec.runId)
      created.network = networkId
      const nodes: DockerNode[] = []
      for (const [i, address] of ips.entries()) {
        const name = `n${i + 1}`
        const controlDir = controlDirOf(controlRoot, name)
        await mkdir(controlDir, { recursive: true })
        await writeFaketimeOffset(controlDir, 0)
        nodes.push({ name, address, controlDir, containerId: '' })
      }
      await Promise.all(
        nodes.map(async (n) => {
          n.containerId = await engine.createContainer({
            name: `dstest-${spec.runId}-${n.name}`,
            image,
            hostname: n.name,
            cmd: IDLE,
            labels: { ...labels, [NODE_LABEL]: n.name },
            network: networkName,
            ipv4: n.address,
            aliases: [n.name],
            binds: [`${n.controlDir}:${CONTROL_DIR}`],
            // For the `docker exec` fallback of iptables/tc when nsenter is not available.
            capAdd: ['NET_ADMIN'],
          })
          created.containers.push(n.containerId)
        }),
      )
      await Promise.all(nodes.map((n) => engine.startContainer(n.containerId)))
      const cluster = new DockerCluster({
        runId: spec.runId,
        engine,
        nodes,
        networkId,
        ownedControlRoot: spec.controlDir === undefined ? controlRoot : undefined,
        netVia: this.options.netVia,
      })
      await this.waitReady(cluster)
      return cluster
    } catch (e) {
      await Promise.allSettled(created.containers.map((id) => engine.removeContainer(id)))
      if (created.network) await engine.removeNetwork(created.network).catch(() => undefined)
      if (spec.controlDir === undefined) await rm(controlRoot, { recursive: true, force: true })
      if (e instanceof DstestError && e.code !== 'E_ENGINE') throw e
      const detail = e instanceof Error ? e.message : String(e)
      throw new EnvironmentError('E_CLUSTER', `cluster ${spec.runId} failed to start: ${detail}`, 'run `dstest doctor`, then `dstest cleanup`', e)
    }
  }

  private async createNetwork(
    engine: Engine,
    name: string,
    nodes: number,
    labels: Record<string, string>,
    runId: string,
  ): Promise<{ id: string; ips: string[] }> {
    const taken = usedThirdOctets(
      (await engine.listNetworks()).flatMap((n) => n.subnets),
      Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)),
    )
    // Start at a place derived from the run id so concurrent runs rarely race for the same /24.
    const start = hashOf(runId) % 256
    for (let k = 0; k < 256; k++) {
      const x = (start + k) % 256
      if (taken.has(x)) continue
      const plan = subnetAddresses(x, nodes)
      if (await engine.createNetwork(name, plan.subnet, plan.gateway, labels)) {
        const created = (await engine.listNetworks(`${RUN_LABEL}=${runId}`)).find((n) => n.name === name)
        if (!created) throw new EnvironmentError('E_CLUSTER', `network ${name} vanished after it was created`, 'run `dstest cleanup` and retry')
        return { id: created.id, ips: plan.ips }
      }
    }
    throw new EnvironmentError('E_CLUSTER', 'no free 10.222.X.0/24 subnet for the run network', 'remove old networks: `dstest cleanup` or `docker network prune`')
  }

  private async waitReady(cluster: DockerCluster): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 20_000)
    await Promise.all(
      cluster.nodes.map(async (n) => {
        for (;;) {
          try {
            const r = await cluster.remote(n.name).exec(['true'], { timeoutMs: 5000 })
            if (r.exitCode === 0) return
          } catch (e) {
            if (Date.now() > deadline) throw e
          }
          if (Date.now() > deadline) throw new EnvironmentError('E_CLUSTER', `${n.name} did not answer in time`, 'check `docker logs` of the node')
          await new Promise((r) => setTimeout(r, 50))
        }
      }),
    )
  }

  /**
   * Removes the containers, networks and control folders of the runs `scope`
   * selects (control/owner.ts): by default those whose owning dstest is gone.
   */
  async cleanup(scope: CleanupScope = {}): Promise<CleanupResult> {
    const engine = await this.engine()
    const label = scope.runId === undefined ? RUN_LABEL : `${RUN_LABEL}=${scope.runId}`
    const containers = await engine.listContainers(label)
    const networks = await engine.listNetworks(label)
    const folders = (await readdir(tmpdir()).catch(() => [] as string[])).filter((d) => d.startsWith(CONTROL_PREFIX))
    // Each run's owner, from whatever of it is left: its containers, its network, its control folder.
    const runs = new Map<string, Owner | undefined>()
    const note = (runId: string | undefined, owner: Owner | undefined): void => {
      if (runId === undefined) return
      if (!runs.has(runId) || (runs.get(runId) === undefined && owner !== undefined)) runs.set(runId, owner)
    }
    for (const r of [...containers, ...networks]) note(r.labels[RUN_LABEL], ownerFromLabels(r.labels))
    for (const d of folders) note(d.slice(CONTROL_PREFIX.length), await readOwnerFile(join(tmpdir(), d)))
    const { remove, kept } = selectForCleanup(runs, scope)
    const gone = new Set(remove)
    const removed: string[] = []
    const doomed = containers.filter((c) => gone.has(c.labels[RUN_LABEL] ?? ''))
    await Promise.all(doomed.map((c) => engine.removeContainer(c.id)))
    removed.push(...doomed.map((c) => `container ${c.name}`))
    for (const n of networks.filter((n) => gone.has(n.labels[RUN_LABEL] ?? ''))) {
      await engine.removeNetwork(n.id)
      removed.push(`network ${n.name}`)
    }
    for (const d of folders.filter((d) => gone.has(d.slice(CONTROL_PREFIX.length)))) {
      await rm(join(tmpdir(), d), { recursive: true, force: true })
      removed.push(`folder ${join(tmpdir(), d)}`)
    }
    return { removed, kept }
  }
}

async function readOwnerFile(controlRoot: string): Promise<Owner | undefined> {
  try {
    const o = JSON.parse(await readFile(join(controlRoot, OWNER_FILE), 'utf8')) as Partial<Owner>
    return typeof o.host === 'string' && typeof o.pid === 'number' ? { host: o.host, pid: o.pid, start: typeof o.start === 'string' ? o.start : undefined } : undefined
  } catch {
    return undefined
  }
}
