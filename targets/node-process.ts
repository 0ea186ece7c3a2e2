/**
 * The process helper of the public API: one long-running process of the
 * system under test on each node, started and signalled through the node's
 * `Remote`, so the same target runs on Docker and over SSH.
 *
 *     const server = new NodeProcess({
 *       name: 'my-kv',
 *       command: ({ node, at }) => ['/opt/my-kv/server', '--id', node.name, '--data', at('/var/lib/my-kv')],
 *       dirs: ['/var/lib/my-kv'],
 *     })
 *     await server.startAll(cluster, options)
 *     await server.waitUntil(cluster, () => everyNodeAnswers(cluster), { waitingFor: 'an answer from every node' })
 *
 * A start runs the command detached, under the node's libfaketime
 * environment (so `--nemesis clock` moves its wall clock; see `clock` in
 * ./target.ts), with its pid written to /var/run/<name>.pid and its output
 * appended to /var/log/<name>.log. Like every node path of a run, those are
 * placed under the cluster's root (`nodePath`): '/' in a container, the run's
 * own folder on an SSH host. The process leads its own process group (both
 * runtimes start detached commands so), and signals go to the whole group: a
 * launcher script and the program it started are killed, paused and resumed
 * together.
 *
 * Shell scripts below are constants; the data they act on (paths, argv) is
 * passed as positional arguments, never pasted into them.
 */
import { FAKETIME_FILE, faketimeEnv } from '../control/faketime.js'
import { nodePath, type Cluster, type NodeInfo } from '../control/remote.js'
import { EnvironmentError } from '../core/errors.js'
import type { TargetOptions } from './target.js'

/** How long start-up waits, probes included, before it gives up (E_CLUSTER). */
export const DEFAULT_WAIT_MS = 20_000
const POLL_MS = 100
/** How often a wait looks whether the processes are still alive. */
const LIVENESS_MS = 1000
/** How long `stop` lets a process exit on SIGTERM before SIGKILL, by default. */
const STOP_GRACE_MS = 5000

/** What the command, environment and folders of one node's process may depend on. */
export interface ProcessContext {
  cluster: Cluster
  node: NodeInfo
  /** The run's `--bug` and `targetOptions`. */
  options: TargetOptions
  /** A node path of this run: `at('/var/lib/my-kv')` is that folder under the cluster's root. */
  at(path: string): string
}

export interface ProcessSpec {
  /** Names its pid file and log file: lowercase letters, digits, '.', '_', '-'. */
  name: string
  /** The argv on one node. Paths on the node go through `at()`. */
  command(context: ProcessContext): readonly string[]
  /** Extra environment variables (libfaketime's are added unless `faketime` is false). */
  env?(context: ProcessContext): Record<string, string>
  /** Folders to create before it starts (node paths as at '/', e.g. its data folder). */
  dirs?: readonly string[]
  /** Working directory (a node path as at '/'). */
  cwd?: string
  /**
   * Start it under libfaketime (default true). Set false for a program
   * libfaketime cannot reach (a Go program, a static binary): its target
   * then declares clock 'real-clock' or 'none'.
   */
  faketime?: boolean
  /** How long `stop` gives it to exit after SIGTERM before SIGKILL (default 5 s). */
  stopGraceMs?: number
}

export interface WaitOptions {
  /** What is awaited, for the error: 'an answer on port 7300', 'a leader'. */
  waitingFor: string
  /** The nodes whose process must stay alive meanwhile (default: every node). */
  nodes?: readonly string[]
  /** Default 20 s. */
  timeoutMs?: number
  /** What was seen last, for the error when time runs out. */
  state?: () => string | Promise<string>
}

export type ProcessSignal = 'KILL' | 'STOP' | 'CONT' | 'TERM' | 'HUP' | 'INT' | 'USR1' | 'USR2'

const NAME = /^[a-z0-9][a-z0-9._-]*$/

/** Exit 0 when the process of pid file $1 is alive (not a zombie). */
const ALIVE = `p=$(cat "$1" 2>/dev/null) || exit 1
s=$(cat "/proc/$p/stat" 2>/dev/null) || exit 1
s=\${s##*) }
case $s in Z*|X*) exit 1;; esac`

/**
 * Before a start: folders made, no live process of this name, the program
 * found (from the working directory, if any). $1 pid file, $2 log file,
 * $3 working directory or '', $4 program, then folders.
 */
const PREPARE = `pidf=$1; log=$2; dir=$3; cmd=$4; shift 4
mkdir -p "\${pidf%/*}" "\${log%/*}" "$@" || exit 1
if p=$(cat "$pidf" 2>/dev/null) && s=$(cat "/proc/$p/stat" 2>/dev/null); then
  s=\${s##*) }
  case $s in Z*|X*) ;; *) echo "already running as pid $p" >&2; exit 10;; esac
fi
rm -f "$pidf"
if [ -n "$dir" ]; then cd "$dir" || exit 1; fi
command -v "$cmd" >/dev/null 2>&1 || { echo "$cmd: not found or not executable on this node" >&2; exit 127; }`

/** The start itself: records its own pid, then becomes the program with its output in the log. $1 pid file, $2 log, then argv. */
const LAUNCH = `echo "$$" > "$1"; log=$2; shift 2
exec "$@" </dev/null >>"$log" 2>&1`

/**
 * Sends signal $1 to the process of pid file $2, and to its whole group when
 * it leads one. When it is not running: exit 3, or 0 if $3 is 'gone-ok'.
 */
const SIGNAL = `sig=$1; pidf=$2; gone=3; [ "$3" = gone-ok ] && gone=0
p=$(cat "$pidf" 2>/dev/null) || { echo "no pid file $pidf: never started" >&2; exit "$gone"; }
s=$(cat "/proc/$p/stat" 2>/dev/null) || { echo "pid $p is not running" >&2; exit "$gone"; }
s=\${s##*) }; set -- $s
case $1 in Z|X) echo "pid $p is not running" >&2; exit "$gone";; esac
if [ "$3" = "$p" ]; then kill -s "$sig" -- "-$p"; else kill -s "$sig" "$p"; fi`

/**
 * Stops the process of pid file $1: CONT (a paused process would not act on
 * TERM), TERM, up to $2 tenths of a second to exit, then KILL; its group with
 * it. It returns once the group is gone (at most 5 s after KILL: under load a
 * killed child can outlive its leader for a moment), so a caller that starts
 * the process again, or checks that nothing is left, never races the kernel.
 * Nothing running is not an error.
 */
const STOP = `pidf=$1; tenths=$2
p=$(cat "$pidf" 2>/dev/null) || exit 0
alive() { s=$(cat "/proc/$p/stat" 2>/dev/null) || return 1; s=\${s##*) }; case $s in Z*|X*) return 1;; esac; }
alive || { rm -f "$pidf"; exit 0; }
set -- $s
to=$p; [ "$3" = "$p" ] && to=-$p
kill -s CONT -- "$to" 2>/dev/null; kill -s TERM -- "$to" 2>/dev/null
i=0
while alive && [ "$i" -lt "$tenths" ]; do sleep 0.1; i=$((i + 1)); done
kill -s KILL -- "$to" 2>/dev/null
gone() { if [ "$to" = "$p" ]; then ! alive; else ! kill -s 0 -- "$to" 2>/dev/null; fi; }
i=0
while ! gone && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
rm -f "$pidf"
exit 0`

export class NodeProcess {
  /** Its pid file, as at '/' (the run places it under the cluster's root). */
  readonly pidFile: string
  /** Its log file, as at '/': what a target's `logFiles()` returns so the run downloads it. */
  readonly logFile: string

  constructor(readonly spec: ProcessSpec) {
    if (!NAME.test(spec.name)) throw new TypeError(`NodeProcess: name ${JSON.stringify(spec.name)} must be lowercase letters, digits, '.', '_' or '-'`)
    this.pidFile = `/var/run/${spec.name}.pid`
    this.logFile = `/var/log/${spec.name}.log`
  }

  get name(): string {
    return this.spec.name
  }

  /** The argv, environment and folders of `node`'s process: what `start` runs. */
  plan(cluster: Cluster, node: string, options: TargetOptions = { options: {} }): { argv: string[]; env: Record<string, string>; dirs: string[]; cwd?: string } {
    const info = cluster.nodes.find((n) => n.name === node)
    if (!info) throw new RangeError(`${this.name}: no node ${node} in run ${cluster.runId}`)
    const at = (path: string): string => nodePath(cluster, path)
    const context: ProcessContext = { cluster, node: info, options, at }
    const argv = [...this.spec.command(context)]
    if (argv.length === 0 || !argv[0]) throw new TypeError(`${this.name}: command() gave an empty argv for ${node}`)
    const env = { ...(this.spec.faketime === false ? {} : faketimeEnv(at(FAKETIME_FILE))), ...this.spec.env?.(context) }
    const dirs = (this.spec.dirs ?? []).map(at)
    return { argv, env, dirs, ...(this.spec.cwd === undefined ? {} : { cwd: at(this.spec.cwd) }) }
  }

  /**
   * Starts the process on `node` and resolves once it has recorded its pid
   * (not once it answers: see `waitUntil`). Refused (E_CLUSTER) when a process
   * of this name still runs there, or the program is not on the node.
   */
  async start(cluster: Cluster, node: string, options: TargetOptions = { options: {} }): Promise<void> {
    const { argv, env, dirs, cwd } = this.plan(cluster, node, options)
    const remote = cluster.remote(node)
    const pidFile = nodePath(cluster, this.pidFile)
    const logFile = nodePath(cluster, this.logFile)
    const prepared = await remote.exec(['sh', '-c', PREPARE, 'dstest-prepare', pidFile, logFile, cwd ?? '', argv[0]!, ...dirs], { timeoutMs: 30_000 })
    if (prepared.exitCode !== 0) {
      const why = prepared.stderr.trim().split('\n').at(-1) || `exit ${prepared.exitCode}`
      const fix =
        prepared.exitCode === 127
          ? `put ${argv[0]} into the node image (the target's imageLayer) or name it by its full path`
          : prepared.exitCode === 10
            ? `stop it first (${this.name}.stop), or start it only once`
            : 'check the paths on the node'
      throw new EnvironmentError('E_CLUSTER', `cannot start ${this.name} on ${node}: ${why}`, fix)
    }
    await remote.exec(['sh', '-c', LAUNCH, 'dstest-launch', pidFile, logFile, ...argv], { detach: true, env, ...(cwd === undefined ? {} : { cwd }) })
    // The launch is detached: it has started once its pid is on file.
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      const r = await remote.exec(['cat', pidFile], { timeoutMs: 10_000 })
      if (r.exitCode === 0 && /^\d+\s*$/.test(r.stdout)) return
      await sleep(50)
    }
    throw new EnvironmentError('E_CLUSTER', `${this.name} on ${node} did not start within 10 s (no pid in ${this.pidFile})`, `read ${this.logFile} on ${node}`)
  }

  /** Starts it on every node at once. */
  async startAll(cluster: Cluster, options: TargetOptions = { options: {} }): Promise<void> {
    await Promise.all(cluster.nodes.map((n) => this.start(cluster, n.name, options)))
  }

  /**
   * Resolves when `condition` holds (polled every 100 ms; a throw counts as
   * not yet). Ends early, naming the node and the last line of its log, when
   * the process of one of `nodes` exits meanwhile, and after `timeoutMs` with
   * what it waited for and the last `state` seen. Both are E_CLUSTER (exit 4).
   */
  async waitUntil(cluster: Cluster, condition: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS
    const nodes = options.nodes ?? cluster.nodes.map((n) => n.name)
    const deadline = Date.now() + timeoutMs
    let nextLiveness = Date.now() + LIVENESS_MS
    while (true) {
      if (await (async () => condition())().catch(() => false)) return
      if (Date.now() >= nextLiveness) {
        nextLiveness = Date.now() + LIVENESS_MS
        // A probe that fails (its exec timed out on a loaded node, a connection
        // dropped) says nothing about the process: only a clear "not running" ends the wait.
        const alive = await Promise.all(nodes.map((node) => this.running(cluster, node).catch(() => true)))
        const node = nodes.find((_, i) => !alive[i])
        if (node !== undefined) {
          const last = await this.logTail(cluster, node, 1).catch(() => '')
          throw new EnvironmentError(
            'E_CLUSTER',
            `${this.name} on ${node} exited while dstest waited for ${options.waitingFor}${last ? ` (its log ends: ${JSON.stringify(last.slice(0, 300))})` : ' (its log is empty)'}`,
            `read ${this.logFile} of ${node}, downloaded into the run's nodes/${node}/ folder`,
          )
        }
      }
      if (Date.now() >= deadline) break
      await sleep(POLL_MS)
    }
    const state = options.state ? await Promise.resolve(options.state()).catch(() => '') : ''
    throw new EnvironmentError(
      'E_CLUSTER',
      `${this.name}: gave up after ${timeoutMs / 1000} s waiting for ${options.waitingFor}${state ? ` (${state})` : ''}`,
      `read ${this.logFile} of each node, downloaded into the run's nodes/ folder`,
    )
  }

  /** Whether its process on `node` is alive (a paused one is). */
  async running(cluster: Cluster, node: string): Promise<boolean> {
    const r = await cluster.remote(node).exec(['sh', '-c', ALIVE, 'dstest-alive', nodePath(cluster, this.pidFile)], { timeoutMs: 10_000 })
    return r.exitCode === 0
  }

  /** The last `lines` lines of its log on `node` ('' when there is none). */
  async logTail(cluster: Cluster, node: string, lines = 20): Promise<string> {
    const r = await cluster.remote(node).exec(['tail', '-n', String(lines), nodePath(cluster, this.logFile)], { timeoutMs: 10_000 })
    return r.exitCode === 0 ? r.stdout.trimEnd() : ''
  }

  /** Sends `signal` to its process group on `node`; E_REMOTE when it is not running. */
  async signal(cluster: Cluster, node: string, signal: ProcessSignal): Promise<void> {
    await this.send(cluster, node, signal, false)
  }

  private async send(cluster: Cluster, node: string, signal: ProcessSignal, goneOk: boolean): Promise<void> {
    const argv = ['sh', '-c', SIGNAL, 'dstest-signal', signal, nodePath(cluster, this.pidFile), ...(goneOk ? ['gone-ok'] : [])]
    const r = await cluster.remote(node).exec(argv, { timeoutMs: 10_000 })
    if (r.exitCode !== 0) {
      throw new EnvironmentError(
        'E_REMOTE',
        `${this.name} on ${node}: kill -${signal} failed (${r.stderr.trim() || `exit ${r.exitCode}`})`,
        `is it running? read ${this.logFile} of ${node}`,
      )
    }
  }

  /** SIGKILL: the crash of `--nemesis kill`. A process that is not running is already as killed as it gets. */
  kill(cluster: Cluster, node: string): Promise<void> {
    return this.send(cluster, node, 'KILL', true)
  }

  /** SIGSTOP to its group: `--nemesis pause`. */
  pause(cluster: Cluster, node: string): Promise<void> {
    return this.signal(cluster, node, 'STOP')
  }

  /** SIGCONT to its group. */
  resume(cluster: Cluster, node: string): Promise<void> {
    return this.signal(cluster, node, 'CONT')
  }

  /** Stops it on `node`: TERM, `stopGraceMs` to exit, then KILL. Idempotent: nothing running, no error. */
  async stop(cluster: Cluster, node: string): Promise<void> {
    const tenths = Math.ceil((this.spec.stopGraceMs ?? STOP_GRACE_MS) / 100)
    await cluster.remote(node).exec(['sh', '-c', STOP, 'dstest-stop', nodePath(cluster, this.pidFile), String(tenths)], { timeoutMs: tenths * 100 + 15_000 })
  }

  /** Stops it on every node (for a target's teardown); a node that cannot be reached is skipped. */
  async stopAll(cluster: Cluster): Promise<void> {
    await Promise.all(cluster.nodes.map((n) => this.stop(cluster, n.name).catch(() => undefined)))
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
