/**
 * The SSH runtime: the user's own machines as the nodes. Creating a cluster
 * connects to every host (one connection each), probes what each can do and
 * refuses, before anything is installed, when a host lacks what the run's
 * faults or its target need (every host's missing pieces in one error);
 * then it makes the run's folder on each host, writes the libfaketime file
 * and installs the target's layer. Everything it made is removed by the
 * cluster's destroy, and by `cleanup` when a run was killed (the run's marks
 * record its owner, so a bare cleanup leaves running runs alone).
 */
import { lookup } from 'node:dns/promises'
import { isIPv4 } from 'node:net'
import { DstestError, EnvironmentError } from '../../core/errors.js'
import type { ImageLayer } from '../docker/image.js'
import { faketimeSpec, FAKETIME_FILE, LIBFAKETIME } from '../faketime.js'
import { currentOwner, selectForCleanup, type CleanupResult, type CleanupScope, type Owner } from '../owner.js'
import { nodePath, type ClusterSpec, type Runtime } from '../remote.js'
import { cleanHost, SshCluster, type SshHost } from './cluster.js'
import { SshConnection, type ConnectionOptions } from './connection.js'
import type { HostSpec } from './hosts.js'
import { installLayer, packLayer } from './layer.js'
import { parseProbe, probeArgv, unmet, type HostFacts, type Requirements } from './probe.js'
import { shellCommand } from './quote.js'
import { chainName, checkRunId, listRunsArgv, marks, runRoot } from './run-marks.js'
import { SshRemote } from './remote.js'

export interface SshRuntimeOptions {
  hosts: readonly HostSpec[]
  /** Port for hosts that name none. */
  defaultPort: number
  connection: ConnectionOptions
  /** What the run's faults and target need from every host. */
  requirements: Requirements
  /** Clock faults step the hosts' real clocks (date) instead of libfaketime. */
  realClock: boolean
  /** The target's files, installed under the run's root on every host. */
  layer?: ImageLayer | undefined
}

interface Connected {
  spec: HostSpec
  name: string
  who: string
  address: string
  connection: SshConnection
}

export class SshRuntime implements Runtime {
  readonly name = 'ssh'

  constructor(private readonly options: SshRuntimeOptions) {}

  async createCluster(spec: ClusterSpec): Promise<SshCluster> {
    const runId = checkRunId(spec.runId)
    const { hosts } = this.options
    if (hosts.length < spec.nodes) {
      throw new DstestError('E_USAGE', `the test wants ${spec.nodes} nodes but ${hosts.length} host${hosts.length === 1 ? ' is' : 's are'} given`, {
        fix: `pass --nodes ${hosts.length}, or list more hosts`,
      })
    }
    const connected = await this.connectAll(hosts.slice(0, spec.nodes))
    const root = runRoot(runId)
    let sshHosts: SshHost[] = []
    try {
      const facts = await Promise.all(connected.map((c) => this.probe(c, connected)))
      this.refuseUnmet(connected, facts)
      sshHosts = connected.map((c, i) => ({ name: c.name, address: c.address, who: c.who, connection: c.connection, facts: facts[i]! }))
      const packed = this.options.layer ? await packLayer(this.options.layer) : undefined
      const installed = await Promise.allSettled(
        sshHosts.map(async (h) => {
          await makeRunFolder(h, runId, root)
          const remote = new SshRemote(h.name, h.connection, { runId, root })
          await remote.writeFileAtomic(nodePath({ root }, FAKETIME_FILE), faketimeSpec(0))
          if (packed) await installLayer(remote, h.who, h.facts.home, packed, root)
        }),
      )
      const failed = installed.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
      return new SshCluster({ runId, root, chain: chainName(runId), hosts: sshHosts, realClock: this.options.realClock })
    } catch (e) {
      // The cleanup removes only what carries this run's marks: safe where nothing was made.
      await Promise.allSettled(sshHosts.map((h) => cleanHost(h, runId)))
      for (const c of connected) c.connection.close()
      throw e
    }
  }

  /** Connects to every host at once; when some fail, closes the rest and names every host that failed. */
  private async connectAll(hosts: readonly HostSpec[]): Promise<Connected[]> {
    const attempts = await Promise.allSettled(
      hosts.map(async (h, i): Promise<Connected> => {
        const name = `n${i + 1}`
        const port = h.port ?? this.options.defaultPort
        const where = `${h.host}:${port}`
        const who = h.label === name || h.label === h.host ? `${name} (${where})` : `${name} (${h.label} at ${where})`
        const address = await resolveIPv4(h.host, who)
        const connection = new SshConnection(who, h.host, port, this.options.connection)
        await connection.connect()
        return { spec: h, name, who, address, connection }
      }),
    )
    const failures = attempts.flatMap((a) => (a.status === 'rejected' ? [a.reason as unknown] : []))
    if (failures.length === 0) return attempts.map((a) => (a as PromiseFulfilledResult<Connected>).value)
    for (const a of attempts) if (a.status === 'fulfilled') a.value.connection.close()
    const first = failures[0]
    if (failures.length === 1 && first instanceof DstestError) throw first
    const lines = failures.map((f) => (f instanceof Error ? f.message : String(f)))
    throw new EnvironmentError('E_REMOTE', lines.join('; '), first instanceof DstestError ? first.fix : 'check the hosts and the network to them', first)
  }

  private async probe(c: Connected, all: readonly Connected[]): Promise<HostFacts> {
    const peer = all.find((x) => x !== c)?.address
    const r = await c.connection.run(shellCommand(probeArgv(LIBFAKETIME, peer)), { timeoutMs: 30_000 })
    if (r.exitCode !== 0) {
      throw new EnvironmentError('E_REMOTE', `${c.who}: the probe of its tools failed (exit ${r.exitCode}): ${r.stderr.toString('utf8').trim().split('\n')[0] ?? ''}`, 'the login shell must be a POSIX shell (sh, bash, dash, zsh)')
    }
    return parseProbe(r.stdout.toString('utf8'))
  }

  private refuseUnmet(connected: readonly Connected[], facts: readonly HostFacts[]): void {
    const problems = connected.flatMap((c, i) => {
      const missing = unmet(facts[i]!, this.options.requirements, LIBFAKETIME)
      return missing.length ? [`${c.who} lacks ${missing.join(', ')}`] : []
    })
    if (problems.length > 0) {
      throw new EnvironmentError('E_UNSUPPORTED', `the hosts cannot run this test: ${problems.join('; ')}`, 'install what is missing on those hosts (README "Testing on your own machines"), or drop the faults that need it')
    }
  }

  /**
   * Removes what runs left on the hosts (processes, qdiscs, chain, folder),
   * as `scope` selects (control/owner.ts): one run by id, every run with
   * `all`, else only runs whose owning dstest is gone.
   */
  async cleanup(scope: CleanupScope = {}): Promise<CleanupResult> {
    if (scope.runId !== undefined) checkRunId(scope.runId)
    const connected = await this.connectAll(this.options.hosts)
    try {
      const hosts = await Promise.all(
        connected.map(async (c) => {
          const r = await c.connection.run(shellCommand(probeArgv(LIBFAKETIME, undefined)), { timeoutMs: 30_000 })
          const runs = await c.connection.run(shellCommand(listRunsArgv()), { timeoutMs: 30_000 })
          return { c, host: { connection: c.connection, facts: parseProbe(r.stdout.toString('utf8')) }, runs: parseRuns(runs.stdout.toString('utf8')) }
        }),
      )
      // Each run's owner, from any host that holds its marks.
      const found = new Map<string, Owner | undefined>()
      for (const h of hosts) for (const [runId, owner] of h.runs) if (!found.has(runId) || found.get(runId) === undefined) found.set(runId, owner)
      if (scope.runId !== undefined && !found.has(scope.runId)) found.set(scope.runId, undefined) // its chain may be all that is left
      const { remove, kept } = selectForCleanup(found, scope)
      const removed: string[] = []
      const warnings: string[] = []
      await Promise.all(
        hosts.map(async ({ c, host, runs }) => {
          // --all on its own also clears chains whose folder is gone; otherwise only the selected runs, each where it is.
          const ids = scope.all && scope.test === undefined ? [undefined] : remove.filter((id) => runs.has(id) || id === scope.runId)
          for (const id of ids) {
            const report = await cleanHost(host, id)
            removed.push(...report.removed.map((x) => `${c.who}: ${x}`))
            warnings.push(...report.warnings.map((x) => `${c.who}: ${x}`))
          }
        }),
      )
      if (warnings.length > 0) {
        throw new EnvironmentError('E_REMOTE', `cleanup left something behind (${warnings.join('; ')})`, 'log in as root or a user with password-less sudo')
      }
      return { removed: removed.sort(), kept }
    } finally {
      for (const c of connected) c.connection.close()
    }
  }
}

/** The output of `listRunsArgv`: run id → its owner, where one was recorded. */
export function parseRuns(stdout: string): Map<string, Owner | undefined> {
  const runs = new Map<string, Owner | undefined>()
  for (const line of stdout.split('\n')) {
    const [runId, owner] = line.split('\t')
    if (!runId) continue
    runs.set(runId.trim(), parseOwner(owner))
  }
  return runs
}

function parseOwner(text: string | undefined): Owner | undefined {
  try {
    const o = JSON.parse(text ?? '') as Partial<Owner>
    return typeof o.host === 'string' && typeof o.pid === 'number' ? { host: o.host, pid: o.pid, start: typeof o.start === 'string' ? o.start : undefined } : undefined
  } catch {
    return undefined
  }
}

/** Makes the run's folder (it must not exist yet) with its marks. */
async function makeRunFolder(h: SshHost, runId: string, root: string): Promise<void> {
  const m = marks(root)
  const script =
    'mkdir -m 755 -- "$1" && mkdir -p -- "$2/pids" "$2/control" && printf "%s\\n" "$3" > "$2/run-id" && printf "%s\\n" "$4" > "$2/chain" && printf "%s\\n" "$5" > "$2/owner"'
  const owner = JSON.stringify(currentOwner())
  const r = await h.connection.run(shellCommand(['sh', '-c', script, 'dstest-mkrun', root, m.dir, runId, chainName(runId), owner]), { timeoutMs: 15_000 })
  if (r.exitCode !== 0) {
    throw new EnvironmentError('E_CLUSTER', `${h.who}: cannot make the run folder ${root}: ${r.stderr.toString('utf8').trim()}`, 'check /tmp on the host')
  }
}

/** The IPv4 address of a host (nodes and iptables rules speak addresses, not names). */
async function resolveIPv4(host: string, who: string): Promise<string> {
  if (isIPv4(host)) return host
  try {
    return (await lookup(host, { family: 4 })).address
  } catch (e) {
    throw new EnvironmentError('E_REMOTE', `${who} cannot be reached: no IPv4 address for ${host}`, 'check the name in the nodes file', e)
  }
}
