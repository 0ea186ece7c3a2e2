/**
 * `dstest doctor` for the Docker runtime: what this machine can and cannot do
 * for a test, each check with a status and a one-line fix. Returns data; the
 * CLI prints it.
 */
import { access, statfs } from 'node:fs/promises'
import { LIBFAKETIME } from '../faketime.js'
import { iptablesBackend } from '../iptables.js'
import { netemProbeArgv, parseNetemProbe } from '../tc.js'
import { runHost } from './cluster.js'
import { DEFAULT_SOCKET, Engine } from './engine.js'
import { DstestError } from '../../core/errors.js'
import { checkBuildTools, planDebianRoot } from '../image/debian-root.js'
import { baseImageTag } from './image.js'

export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface DoctorCheck {
  name: string
  status: CheckStatus
  /** What was found. */
  detail: string
  /** One line telling the user what to do (absent when ok). */
  fix?: string
}

const GiB = 1024 ** 3

async function engineCheck(socketPath: string): Promise<{ check: DoctorCheck; engine?: Engine }> {
  try {
    const engine = await Engine.connect(socketPath)
    const v = await engine.version()
    return { check: { name: 'engine', status: 'ok', detail: `Docker ${v.version} (API ${v.apiVersion}) at ${socketPath}, kernel ${v.kernel}` }, engine }
  } catch {
    return {
      check: { name: 'engine', status: 'fail', detail: `no Docker engine at ${socketPath}`, fix: 'start one with `dockerd` (or pass --runtime ssh)' },
    }
  }
}

async function iptablesCheck(): Promise<DoctorCheck> {
  const r = await runHost(['iptables', '--version'])
  if (r.exitCode !== 0) {
    return { name: 'iptables', status: 'fail', detail: 'iptables not found on this machine', fix: 'apt-get install -y iptables' }
  }
  const line = r.stdout.trim()
  const backend = iptablesBackend(line)
  if (backend === 'nft') return { name: 'iptables', status: 'ok', detail: `${line}: the nft backend, as in the node image` }
  return {
    name: 'iptables',
    status: 'warn',
    detail: `${line}: the node image uses the nft backend, so rules added from here may not be the ones in effect`,
    fix: 'update-alternatives --set iptables /usr/sbin/iptables-nft',
  }
}

async function nsenterCheck(): Promise<DoctorCheck> {
  const r = await runHost(['nsenter', '--version'])
  if (r.exitCode !== 0) {
    return { name: 'nsenter', status: 'warn', detail: 'nsenter not found: faults go through `docker exec` (about 20× slower)', fix: 'apt-get install -y util-linux' }
  }
  if (process.getuid?.() !== 0) {
    return { name: 'nsenter', status: 'warn', detail: 'not root: nsenter cannot enter node namespaces, faults go through `docker exec`', fix: 'run dstest as root for faster fault injection' }
  }
  return { name: 'nsenter', status: 'ok', detail: 'network faults are applied from the host with nsenter' }
}

async function netemCheck(): Promise<DoctorCheck> {
  // In a throwaway network namespace: nothing on this machine is shaped.
  const r = await runHost(['unshare', '--net', ...netemProbeArgv()])
  if (r.spawnError || /^unshare: /m.test(r.stderr)) {
    return { name: 'netem', status: 'warn', detail: `could not probe netem: ${r.stderr.trim().split('\n')[0] ?? ''}`, fix: 'run `dstest doctor` as root to probe' }
  }
  const support = parseNetemProbe(r)
  if (support.available) return { name: 'netem', status: 'ok', detail: 'tc netem works: packet delay, jitter, duplication and reordering are available' }
  return {
    name: 'netem',
    status: 'warn',
    detail: `${support.reason}: packet delay/jitter/duplication/reordering are unavailable (loss and bandwidth work)`,
    fix: 'modprobe sch_netem, or use a kernel that has it',
  }
}

async function faketimeCheck(): Promise<DoctorCheck> {
  try {
    await access(LIBFAKETIME)
    return { name: 'libfaketime', status: 'ok', detail: `${LIBFAKETIME} present: clock faults are available` }
  } catch {
    return { name: 'libfaketime', status: 'fail', detail: `${LIBFAKETIME} is missing: the node image cannot fake clocks`, fix: 'apt-get install -y faketime' }
  }
}

async function diskCheck(engine: Engine | undefined): Promise<DoctorCheck> {
  let path = '/'
  if (engine) path = await engine.dataRoot().catch(() => '/')
  let free: number
  try {
    const s = await statfs(path)
    free = s.bavail * s.bsize
  } catch {
    const s = await statfs('/')
    free = s.bavail * s.bsize
    path = '/'
  }
  const detail = `${(free / GiB).toFixed(1)} GiB free at ${path}`
  if (free < 0.5 * GiB) return { name: 'disk', status: 'fail', detail, fix: 'free some space: `dstest image prune`, `docker system prune`' }
  if (free < 2 * GiB) return { name: 'disk', status: 'warn', detail, fix: 'free some space: `dstest image prune`' }
  return { name: 'disk', status: 'ok', detail }
}

async function imageCheck(engine: Engine | undefined): Promise<DoctorCheck> {
  try {
    const tag = await baseImageTag()
    if (!engine) return { name: 'base image', status: 'warn', detail: `would be ${tag} (no engine to check)` }
    return (await engine.hasImage(tag))
      ? { name: 'base image', status: 'ok', detail: `${tag} is built` }
      : { name: 'base image', status: 'ok', detail: `${tag} is not built yet: the first run builds it offline (a few seconds)` }
  } catch (e) {
    return {
      name: 'base image',
      status: 'fail',
      detail: `cannot assemble it from host binaries: ${e instanceof Error ? e.message : String(e)}`,
      fix: 'apt-get install -y iptables iproute2 faketime',
    }
  }
}

/** Whether targets that name Debian packages can have their image built here. */
async function packagesCheck(): Promise<DoctorCheck> {
  try {
    const plan = await planDebianRoot()
    await checkBuildTools()
    return { name: 'package images', status: 'ok', detail: `debootstrap ${plan.release} from ${plan.sources.mirror}: targets may name Debian packages` }
  } catch (e) {
    if (!(e instanceof DstestError)) throw e
    return { name: 'package images', status: 'warn', detail: `targets that name Debian packages cannot be built here: ${e.message}`, fix: e.fix ?? 'see the message' }
  }
}

/** Every check, in a stable order. */
export async function doctor(options: { socketPath?: string } = {}): Promise<DoctorCheck[]> {
  const { check, engine } = await engineCheck(options.socketPath ?? DEFAULT_SOCKET)
  const rest = await Promise.all([iptablesCheck(), nsenterCheck(), netemCheck(), faketimeCheck(), diskCheck(engine), imageCheck(engine), packagesCheck()])
  return [check, ...rest]
}

/** The worst status of a set of checks (for the exit code: fail → 4). */
export function worstStatus(checks: readonly DoctorCheck[]): CheckStatus {
  return checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'warn') ? 'warn' : 'ok'
}
