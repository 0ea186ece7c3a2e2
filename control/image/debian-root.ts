/**
 * A Debian root folder with the packages a target names, built offline from
 * this machine's own apt sources (no container registry):
 *
 *   1. debootstrap --variant=minbase <release> from the machine's mirror, with
 *      what dstest needs in a node: iptables (nft), iproute2 (ip, tc),
 *      libfaketime, netbase; dash is already /bin/sh;
 *   2. apt-get install --no-install-recommends <packages> in a chroot, from the
 *      release and its updates and security suites, with services kept from
 *      starting (policy-rc.d) and without man pages, info and translations;
 *   3. checks: every package configured (dpkg --audit), iptables speaks nft,
 *      tc runs, libfaketime is where faketimeEnv() points;
 *   4. tidy: apt lists and caches, the build's resolv.conf, policy-rc.d.
 *
 * Each step runs confined (./confined.ts) with a deadline; a failed step is an
 * error that says which and why, never a partial root.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { access, readFile } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { DstestError, EnvironmentError } from '../../core/errors.js'
import { CONTROL_DIR, LIBFAKETIME } from '../faketime.js'
import { readAptSources, releaseSources, type ReleaseSources } from './apt-sources.js'
import { TARGET_ROOT } from './layer.js'
import { emptyDir, mkdirInRoot, removeRootFile, writeRootFile } from './root-files.js'
import { runConfined, type ConfinedResult } from './confined.js'

/** What every package image holds besides the target's packages. */
export const NODE_PACKAGES: readonly string[] = ['iptables', 'iproute2', 'libfaketime', 'netbase']
/** Bump when the steps below change in a way the recipe text does not show. */
const RECIPE_VERSION = 1
/** Left out of every package installed in step 2 (and removed from the debootstrap base). */
const EXCLUDED = ['/usr/share/man', '/usr/share/info', '/usr/share/locale']

export interface DebianRootPlan {
  release: string
  sources: ReleaseSources
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

async function onPath(command: string, dirs: readonly string[]): Promise<boolean> {
  for (const dir of dirs) {
    if (!dir) continue
    try {
      await access(join(dir, command))
      return true
    } catch {
      // not here
    }
  }
  return false
}

function unsupported(message: string, fix: string): EnvironmentError {
  return new EnvironmentError('E_UNSUPPORTED', message, fix)
}

/**
 * Whether this machine can build a root folder, or the reason it cannot
 * (E_UNSUPPORTED, exit 4, with the fix): not root, or a tool is missing.
 */
export async function checkBuildTools(searchPath: readonly string[] = [...new Set([...(process.env.PATH ?? '').split(delimiter), ...PATH.split(':')])]): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw unsupported('building an image from Debian packages needs root (debootstrap and chroot)', 'run dstest as root (or prebuild it once: sudo dstest image build --target <target>)')
  }
  for (const [tool, pkg] of [['debootstrap', 'debootstrap'], ['unshare', 'util-linux'], ['setpriv', 'util-linux'], ['chroot', 'coreutils'], ['tar', 'tar']] as const) {
    if (!(await onPath(tool, searchPath))) throw unsupported(`${tool} is not installed: it is needed to build an image from Debian packages`, `apt-get install -y ${pkg}`)
  }
}

/**
 * What a package image is built from on this machine (the release and its
 * apt sources), or the reason it cannot be (E_UNSUPPORTED, exit 4, with the
 * fix): not Debian, or no apt source for the release.
 */
export async function planDebianRoot(etc = '/etc'): Promise<DebianRootPlan> {
  const osRelease = await readFile(join(etc, 'os-release'), 'utf8').catch(() => '')
  const field = (k: string): string | undefined => new RegExp(`^${k}="?([^"\\n]*)"?$`, 'm').exec(osRelease)?.[1]
  const id = field('ID')
  const release = field('VERSION_CODENAME')
  if (id !== 'debian' || !release) {
    throw unsupported(
      `images from Debian packages are built from this machine's Debian apt sources, and this machine is ${id ?? 'unknown'}${release ? ` ${release}` : ''}`,
      'build on a Debian machine, or give the target host binaries and files instead of packages',
    )
  }
  const sources = releaseSources(await readAptSources(join(etc, 'apt')), release)
  if (!sources) {
    throw unsupported(
      `no apt source for Debian ${release} with the main component in ${join(etc, 'apt', 'sources.list')} or ${join(etc, 'apt', 'sources.list.d')}`,
      `add one, e.g. "deb http://deb.debian.org/debian ${release} main" to ${join(etc, 'apt', 'sources.list')}`,
    )
  }
  return { release, sources }
}

/** The text that identifies a build (its image tag hashes it): the steps' version, the sources, and the package lists. */
export function debianRootRecipe(plan: DebianRootPlan, packages: readonly string[]): string {
  return JSON.stringify({
    recipe: RECIPE_VERSION,
    release: plan.release,
    mirror: plan.sources.mirror,
    keyring: plan.sources.keyring ?? null,
    sources: plan.sources.lines,
    node: NODE_PACKAGES,
    excluded: EXCLUDED,
    packages: [...new Set(packages)].sort(),
  })
}

export interface BuildOptions {
  /** Give up (and kill the step under way) at this time, ms since the epoch. */
  deadline: number
  /** The whole build's time limit, for the message when it passes. */
  limitMs: number
  signal?: AbortSignal
  /** A line now and then about the step under way. */
  progress?: (message: string) => void
  /** Every line of output goes here too. */
  log?: WriteStream
}

function commandEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH, LC_ALL: 'C', LANG: 'C', HOME: '/root', DEBIAN_FRONTEND: 'noninteractive', DEBCONF_NONINTERACTIVE_SEEN: 'true' }
  // The machine's proxy, if it needs one to reach its mirror.
  for (const k of ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) {
    const v = process.env[k]
    if (v) env[k] = v
  }
  return env
}

/** Reports the step under way: when it starts, then its latest line at most every 10 s. */
function stepReporter(options: BuildOptions, step: string): (line: string) => void {
  const started = Date.now()
  let last = started
  options.progress?.(step)
  return (line) => {
    options.log?.write(line + '\n')
    const now = Date.now()
    if (now - last < 10_000) return
    last = now
    options.progress?.(`${step} (${Math.round((now - started) / 1000)} s): ${line.trim().slice(0, 100)}`)
  }
}

function failed(step: string, r: ConfinedResult, options: BuildOptions, fix: string): DstestError {
  if (r.aborted) return new DstestError('E_INTERRUPTED', `${step}: interrupted`)
  if (r.timedOut) return new EnvironmentError('E_CLUSTER', `${step} did not finish within the image build's ${Math.round(options.limitMs / 1000)} s`, fix)
  const said = [...r.tail].reverse().find((l) => /^(E:|W: Failure|dpkg: error|debootstrap: )/.test(l)) ?? r.tail[r.tail.length - 1] ?? 'no output'
  return new EnvironmentError('E_CLUSTER', `${step} failed (exit ${r.exitCode}): ${said.trim()}`, fix)
}

/** A package name apt does not know is the target's mistake (exit 3), not the machine's. */
export function unknownPackage(r: ConfinedResult, release: string): DstestError | undefined {
  for (const line of r.tail) {
    const m =
      /Unable to locate package (\S+)/.exec(line) ??
      /Package '?([^' ]+)'? has no installation candidate/.exec(line) ??
      /Version '[^']+' for '([^']+)' was not found/.exec(line)
    if (m) {
      return new DstestError('E_CONFIG', `package '${m[1]}' cannot be installed from Debian ${release}: ${line.replace(/^E:\s*/, '').trim()}`, {
        fix: `check the name and version (apt-cache policy ${m[1]} on a Debian ${release} machine)`,
      })
    }
  }
  return undefined
}

/**
 * Builds the root folder in `dir` (which must not exist yet). Throws, and
 * leaves `dir` for the caller to remove, on any failure.
 */
export async function buildDebianRoot(plan: DebianRootPlan, packages: readonly string[], dir: string, options: BuildOptions): Promise<void> {
  const env = commandEnv()
  const { release, sources } = plan
  const mirrorFix = `check that ${sources.mirror} answers from this machine (apt-get update), then build again`
  const chroot = (argv: readonly string[], withProc: boolean, onLine?: (line: string) => void): Promise<ConfinedResult> =>
    runConfined(['chroot', dir, ...argv], { env, deadline: options.deadline, signal: options.signal, onLine, ...(withProc ? { procAt: join(dir, 'proc') } : {}) })

  // 1. The minimal system with the node tools.
  const step1 = `debootstrap ${release} (minbase + ${NODE_PACKAGES.join(', ')})`
  const bootstrap = await runConfined(
    [
      'debootstrap',
      '--variant=minbase',
      `--include=${NODE_PACKAGES.join(',')}`,
      ...(sources.keyring ? [`--keyring=${sources.keyring}`] : []),
      release,
      dir,
      sources.mirror,
    ],
    { env, deadline: options.deadline, signal: options.signal, onLine: stepReporter(options, step1) },
  )
  if (bootstrap.exitCode !== 0) throw failed(step1, bootstrap, options, mirrorFix)

  // 2. The target's packages, with services kept from starting in the chroot.
  await writeRootFile(dir, 'usr/sbin/policy-rc.d', '#!/bin/sh\n# dstest: no service starts while the image is built\nexit 101\n', 0o755)
  await writeRootFile(dir, 'etc/dpkg/dpkg.cfg.d/dstest-slim', EXCLUDED.map((p) => `path-exclude=${p}/*\n`).join(''))
  await writeRootFile(dir, 'etc/apt/sources.list', sources.lines.join('\n') + '\n')
  await writeRootFile(dir, 'etc/apt/apt.conf.d/90dstest', 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Retries "3";\n')
  await writeRootFile(dir, 'etc/resolv.conf', await readFile('/etc/resolv.conf', 'utf8').catch(() => ''))
  const step2a = 'apt-get update'
  const update = await chroot(['apt-get', 'update'], true, stepReporter(options, step2a))
  if (update.exitCode !== 0) throw failed(step2a, update, options, mirrorFix)
  const wanted = [...new Set(packages)].sort()
  if (wanted.length > 0) {
    const step2b = `apt-get install ${wanted.join(' ')}`
    const install = await chroot(['apt-get', 'install', '-y', '--no-install-recommends', '--', ...wanted], true, stepReporter(options, step2b))
    if (install.exitCode !== 0) throw unknownPackage(install, release) ?? failed(step2b, install, options, `the whole output is in ${options.log?.path ?? 'the build log'}`)
  }

  // 3. Checks: a half-configured package or a missing node tool is an error, not an image.
  const audit = await chroot(['dpkg', '--audit'], false)
  if (audit.exitCode !== 0 || audit.tail.length > 0) {
    throw new EnvironmentError('E_CLUSTER', `packages were left half-installed: ${audit.tail.slice(0, 3).join(' ')}`, `the whole output is in ${options.log?.path ?? 'the build log'}`)
  }
  const iptables = await chroot(['iptables', '--version'], false)
  if (iptables.exitCode !== 0 || !/nf_tables/.test(iptables.tail.join(' '))) {
    throw new EnvironmentError('E_CLUSTER', `iptables in the image is not the nft backend the nemesis uses (${iptables.tail.join(' ') || `exit ${iptables.exitCode}`})`, 'do not name iptables-legacy or arptables/ebtables alternatives in the packages')
  }
  for (const check of [['tc', '-V'], ['test', '-r', LIBFAKETIME], ['sh', '-c', 'true']]) {
    const r = await chroot(check, false)
    if (r.exitCode !== 0) throw new EnvironmentError('E_CLUSTER', `the image lacks a node tool: \`${check.join(' ')}\` failed (exit ${r.exitCode})`, 'a package may have removed it; build without that package')
  }

  // 4. Tidy: what only the build needed.
  await removeRootFile(dir, 'usr/sbin/policy-rc.d')
  await removeRootFile(dir, 'etc/apt/apt.conf.d/90dstest')
  await emptyDir(dir, 'var/lib/apt/lists', ['partial', 'lock'])
  await emptyDir(dir, 'var/lib/apt/lists/partial')
  await emptyDir(dir, 'var/cache/apt/archives', ['partial', 'lock'])
  await emptyDir(dir, 'var/cache/apt/archives/partial')
  for (const bin of ['pkgcache.bin', 'srcpkgcache.bin']) await removeRootFile(dir, `var/cache/apt/${bin}`)
  for (const p of EXCLUDED) await emptyDir(dir, p.slice(1))
  // The engine mounts its own over these in every container.
  await writeRootFile(dir, 'etc/resolv.conf', '')
  await writeRootFile(dir, 'etc/hostname', '')
  for (const p of [CONTROL_DIR, TARGET_ROOT]) await mkdirInRoot(dir, p)
}

/** A write stream for the build's output (kept after a failure for the user to read). */
export function openBuildLog(path: string): WriteStream {
  return createWriteStream(path, { flags: 'w' })
}
