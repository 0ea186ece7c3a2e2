/**
 * A running SSH cluster: one host per node, this run's files under its own
 * folder on each (root), one connection per host. Besides the `Remote`s it
 * offers two capabilities of control/capabilities.ts:
 *
 *   - NetworkControl: iptables and tc run on the host itself (a host is its
 *     own network namespace), through `sudo -n` when the login is not root;
 *     the run's rules live in its own chain (`iptablesChain`), so two runs on
 *     one host never touch each other's. Nemeses name a node's interface eth0,
 *     as in a container; here that becomes the interface the host's peers are
 *     reached through. A root qdisc is recorded in the run's folder before it
 *     is installed, and only a recorded one is ever deleted, so a heal never
 *     removes a qdisc the host or another run put there.
 *   - ClockControl: the target's libfaketime offset file under the run's root,
 *     rewritten atomically; or, with `realClock`, the host's real clock
 *     stepped with `date` (as root), its total step recorded for cleanup.
 *
 * Kill and pause are the target's own (signals through its pid file), as on
 * Docker; there is no engine to stop a whole host.
 */
import { EnvironmentError } from '../../core/errors.js'
import type { ClockControl, NetworkControl } from '../capabilities.js'
import { faketimeSpec, FAKETIME_FILE } from '../faketime.js'
import { DEFAULT_DEV } from '../tc.js'
import { nodePath, type Cluster, type ExecResult, type NodeInfo, type Remote } from '../remote.js'
import type { SshConnection } from './connection.js'
import { cleanupArgv, parseCleanup, stepClockArgv } from './host-cleanup.js'
import type { HostFacts } from './probe.js'
import { shellCommand } from './quote.js'
import { marks } from './run-marks.js'
import { SshRemote } from './remote.js'

export interface SshHost extends NodeInfo {
  /** How messages name the host: "n2 (db2 at 10.0.0.3:22)". */
  who: string
  connection: SshConnection
  facts: HostFacts
}

export interface SshClusterParts {
  runId: string
  root: string
  chain: string
  hosts: SshHost[]
  realClock: boolean
}

/** Records a root qdisc's interface in the run's folder, then runs the privileged tc. */
const RECORD_THEN_RUN = 'printf "%s\\n" "$1" >> "$2" || exit 97; shift 2; exec "$@"'

export class SshCluster implements Cluster, NetworkControl, ClockControl {
  readonly runId: string
  readonly root: string
  readonly iptablesChain: string
  /** Plain data (the run stores it in test.json). */
  readonly nodes: readonly NodeInfo[]
  readonly hosts: readonly SshHost[]
  private readonly remotes = new Map<string, SshRemote>()
  private readonly realClock: boolean
  /** node → interfaces this run has put a root qdisc on. */
  private readonly qdiscs = new Map<string, Set<string>>()
  /** node → the real-clock step in force (realClock only). */
  private readonly clockSteps = new Map<string, number>()
  private destroyed: Promise<void> | undefined

  constructor(parts: SshClusterParts) {
    this.runId = parts.runId
    this.root = parts.root
    this.iptablesChain = parts.chain
    this.hosts = parts.hosts
    this.nodes = parts.hosts.map((h) => ({ name: h.name, address: h.address }))
    this.realClock = parts.realClock
    for (const h of parts.hosts) this.remotes.set(h.name, new SshRemote(h.name, h.connection, { runId: parts.runId, root: parts.root }))
  }

  host(node: string): SshHost {
    const h = this.hosts.find((x) => x.name === node)
    if (!h) throw new RangeError(`no node '${node}' in cluster ${this.runId} (nodes: ${this.hosts.map((x) => x.name).join(', ')})`)
    return h
  }

  remote(node: string): SshRemote & Remote {
    const r = this.remotes.get(node)
    if (!r) throw new RangeError(`no node '${node}' in cluster ${this.runId}`)
    return r
  }

  /** argv run with root's rights: as is when logged in as root, else through `sudo -n`. */
  privileged(node: string, argv: readonly string[]): string[] {
    return this.host(node).facts.sudo === 'root' ? [...argv] : ['sudo', '-n', '--', ...argv]
  }

  // ---- NetworkControl ----

  async netExec(node: string, argv: readonly string[], stdin?: string): Promise<ExecResult> {
    const host = this.host(node)
    const command = argv[0] === 'tc' ? this.onDevice(host, argv) : [...argv]
    const qdisc = rootQdiscChange(command)
    const remote = this.remote(node)
    const recorded = this.qdiscs.get(node) ?? new Set<string>()
    this.qdiscs.set(node, recorded)
    let line: string
    if (qdisc?.action === 'delete' && !recorded.has(qdisc.device)) {
      // Not ours: as healed as a missing qdisc, and left alone.
      return { exitCode: 2, stdout: '', stderr: `Error: Cannot delete qdisc with handle of zero (this run installed no root qdisc on ${qdisc.device})\n` }
    }
    if (qdisc?.action === 'install' && !recorded.has(qdisc.device)) {
      line = shellCommand(['sh', '-c', RECORD_THEN_RUN, 'dstest-qdisc', qdisc.device, marks(this.root).qdiscs, ...this.privileged(node, command)])
      recorded.add(qdisc.device)
    } else line = shellCommand(this.privileged(node, command))
    const r = await remote.raw(line, { stdin, timeoutMs: 15_000 })
    // A failed install changed nothing (the record on the host stays; cleanup's delete is then a no-op or removes only the interface's root qdisc).
    if (qdisc?.action === 'install' && r.exitCode !== 0) recorded.delete(qdisc.device)
    if (qdisc?.action === 'delete' && (r.exitCode === 0 || /handle of zero|No such file/i.test(r.stderr.toString('utf8')))) recorded.delete(qdisc.device)
    return { exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') }
  }

  /** tc argv with the container's eth0 replaced by the host's interface towards its peers. */
  private onDevice(host: SshHost, argv: readonly string[]): string[] {
    const device = host.facts.device
    return argv.map((w, i) => (i > 0 && argv[i - 1] === 'dev' && w === DEFAULT_DEV && device ? device : w))
  }

  // ---- ClockControl ----

  async setClockOffset(node: string, offsetMs: number): Promise<void> {
    if (this.realClock) {
      const total = Math.round(offsetMs)
      const delta = total - (this.clockSteps.get(node) ?? 0)
      if (delta === 0) return
      const r = await this.remote(node).exec(this.privileged(node, stepClockArgv(delta, total, marks(this.root).clockOffset)), { timeoutMs: 15_000 })
      if (r.exitCode !== 0) {
        throw new EnvironmentError('E_REMOTE', `${this.host(node).who}: could not step the real clock by ${delta} ms: ${r.stderr.trim() || `exit ${r.exitCode}`}`, 'run as root or with password-less sudo, with GNU date')
      }
      this.clockSteps.set(node, total)
      return
    }
    await this.remote(node).writeFileAtomic(nodePath(this, FAKETIME_FILE), faketimeSpec(offsetMs))
  }

  // ---- lifecycle ----

  /** Idempotent; a second call waits for the first. Throws (after trying every host) when something stayed behind. */
  destroy(): Promise<void> {
    this.destroyed ??= this.removeAll()
    return this.destroyed
  }

  private async removeAll(): Promise<void> {
    const results = await Promise.allSettled(this.hosts.map((h) => cleanHost(h, this.runId)))
    for (const h of this.hosts) h.connection.close()
    const problems = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${this.hosts[i]!.who}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`] : r.value.warnings.map((w) => `${this.hosts[i]!.who}: ${w}`),
    )
    if (problems.length > 0) {
      throw new EnvironmentError('E_REMOTE', `could not remove everything run ${this.runId} left on its hosts (${problems.join('; ')})`, `run \`dstest cleanup --runtime ssh --run ${this.runId}\` with the same hosts`)
    }
  }
}

/** Runs the run's cleanup on one host (with root's rights when it has them). */
export async function cleanHost(host: Pick<SshHost, 'connection' | 'facts'>, runId: string | undefined): Promise<{ removed: string[]; warnings: string[] }> {
  const argv = cleanupArgv(runId)
  const r = await host.connection.run(shellCommand(host.facts.sudo === 'yes' ? ['sudo', '-n', '--', ...argv] : argv), { timeoutMs: 60_000 })
  const report = parseCleanup(r.stdout.toString('utf8'))
  if (r.exitCode !== 0) report.warnings.push(`cleanup exited ${r.exitCode}: ${r.stderr.toString('utf8').trim().split('\n')[0] ?? ''}`)
  return report
}

/** Whether argv installs or deletes a root qdisc, and on which interface. */
export function rootQdiscChange(argv: readonly string[]): { action: 'install' | 'delete'; device: string } | undefined {
  if (argv[0] !== 'tc' || argv[1] !== 'qdisc') return undefined
  const verb = argv[2]
  const dev = argv.indexOf('dev')
  const device = dev > 0 ? argv[dev + 1] : undefined
  if (device === undefined || !argv.includes('root')) return undefined
  if (verb === 'add' || verb === 'replace' || verb === 'change') return { action: 'install', device }
  if (verb === 'del' || verb === 'delete') return { action: 'delete', device }
  return undefined
}
