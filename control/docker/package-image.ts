/**
 * Package images: a Debian root folder with a target's packages and dstest's
 * node tools (control/image/debian-root.ts), streamed by tar into
 * `docker import`. Tagged by a hash of the recipe (release, apt sources, the
 * package lists), so a second run builds nothing; one build per recipe at a
 * time on this machine (./build-lock.ts).
 *
 *   dstest/packages:<hash>     labelled dstest.image=packages, dstest.packages=a,b,c
 *
 * The image appears under its tag only once the whole root folder was archived
 * and imported: the import goes to a temporary tag that is renamed at the end,
 * and is removed on any failure.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { access, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DstestError, EnvironmentError } from '../../core/errors.js'
import { buildDebianRoot, checkBuildTools, debianRootRecipe, openBuildLog, planDebianRoot, type DebianRootPlan } from '../image/debian-root.js'
import { IMAGE_PATH, type BuiltImage } from './base-image.js'
import { acquireBuildLock, alive } from './build-lock.js'
import { IMAGE_LABEL, type Engine } from './engine.js'

export const PACKAGES_NAME = 'packages'
export const PACKAGES_LABEL = 'dstest.packages'
/** A minimal system and a JVM server's packages take about a minute; a slow mirror gets this long. */
export const PACKAGE_BUILD_TIMEOUT_MS = 15 * 60_000

export interface PackageBuildOptions {
  progress?: (message: string) => void
  signal?: AbortSignal
  timeoutMs?: number
}

/** Where root folders are built: on disk (/var/tmp), not in a RAM-backed /tmp. */
async function workDir(): Promise<string> {
  try {
    await access('/var/tmp')
    return '/var/tmp'
  } catch {
    return tmpdir()
  }
}

const ROOT_DIR_RE = /^dstest-root-[0-9a-f]{12}\.(\d+)$/

/**
 * Removes root folders that builds of processes now gone left behind (a
 * build killed hard). Never one with a mount under it: that is not ours to
 * delete, and a confined build mounts nothing outside its own namespace.
 */
export async function removeStaleBuilds(): Promise<string[]> {
  const base = await workDir()
  const mounts = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '')
  const removed: string[] = []
  for (const name of await readdir(base).catch(() => [] as string[])) {
    const m = ROOT_DIR_RE.exec(name)
    if (!m || alive(Number(m[1]))) continue
    const dir = join(base, name)
    if (mounts.includes(` ${dir}/`) || mounts.includes(` ${dir} `)) continue
    await rm(dir, { recursive: true, force: true })
    removed.push(dir)
  }
  return removed
}

/** The tag a package list gets on this machine (E_UNSUPPORTED when it has no Debian apt source). */
export async function packageImageTag(packages: readonly string[], plan?: DebianRootPlan): Promise<string> {
  const recipe = debianRootRecipe(plan ?? (await planDebianRoot()), packages)
  return `dstest/${PACKAGES_NAME}:${createHash('sha256').update(recipe).digest('hex').slice(0, 12)}`
}

/** Archives `dir` with GNU tar (owners kept by number) into `docker import` under `tag`; throws unless both succeed. */
async function importRoot(engine: Engine, dir: string, tag: string, changes: string[], deadline: number, signal?: AbortSignal): Promise<void> {
  const tar = spawn(
    'setpriv',
    ['--pdeathsig', 'KILL', '--', 'tar', '-C', dir, '--numeric-owner', '--exclude=./dev/*', '--exclude=./proc/*', '--exclude=./sys/*', '-cf', '-', '.'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const stderr: Buffer[] = []
  tar.stderr.on('data', (c: Buffer) => stderr.push(c))
  const exited = new Promise<number>((resolve) => {
    tar.on('error', () => resolve(-1))
    tar.on('close', (code, sig) => resolve(code ?? (sig ? 128 : -1)))
  })
  const kill = (): boolean => tar.kill('SIGKILL')
  const timer = setTimeout(kill, Math.max(0, deadline - Date.now()))
  signal?.addEventListener('abort', kill, { once: true })
  try {
    const [imported, code] = await Promise.allSettled([engine.importImage(tar.stdout, tag, changes), exited])
    const tarCode = code.status === 'fulfilled' ? code.value : -1
    if (imported.status === 'rejected' || tarCode !== 0) {
      await engine.removeImage(tag).catch(() => undefined)
      if (signal?.aborted) throw new DstestError('E_INTERRUPTED', 'interrupted while importing the package image')
      if (imported.status === 'rejected') throw imported.reason
      const said = Buffer.concat(stderr).toString('utf8').trim().split('\n').pop() ?? ''
      throw new EnvironmentError('E_CLUSTER', `archiving the package image's root folder failed (tar exit ${tarCode}${said ? `: ${said}` : ''})`, 'check the disk space under /var/tmp, then build again')
    }
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', kill)
  }
}

/** Builds the image with `packages` unless its tag exists. */
export async function ensurePackageImage(engine: Engine, packages: readonly string[], options: PackageBuildOptions = {}): Promise<BuiltImage> {
  const started = performance.now()
  const plan = await planDebianRoot()
  const wanted = [...new Set(packages)].sort()
  const tag = await packageImageTag(wanted, plan)
  if (await engine.hasImage(tag)) return { tag, cached: true, ms: performance.now() - started }
  await checkBuildTools()
  const limitMs = options.timeoutMs ?? PACKAGE_BUILD_TIMEOUT_MS
  const deadline = Date.now() + limitMs
  const hash = tag.slice(tag.lastIndexOf(':') + 1)
  const release = await acquireBuildLock(hash, {
    deadline,
    signal: options.signal,
    onWait: (pid) => options.progress?.(`waiting for dstest pid ${pid}, which is building ${tag}`),
  })
  try {
    if (await engine.hasImage(tag)) return { tag, cached: true, ms: performance.now() - started }
    await removeStaleBuilds()
    const base = await workDir()
    const dir = join(base, `dstest-root-${hash}.${process.pid}`)
    const logPath = join(base, `dstest-image-${hash}.log`)
    const log = openBuildLog(logPath)
    // The log is kept for the user to read only when the build failed.
    let keepLog = true
    try {
      options.progress?.(`building ${tag} from Debian ${plan.release} with ${wanted.join(', ') || 'no extra packages'} (about a minute; build log ${logPath})`)
      await buildDebianRoot(plan, wanted, dir, { deadline, limitMs, signal: options.signal, progress: options.progress, log })
      options.progress?.(`importing ${tag}`)
      const temp = `${tag}-partial-${process.pid}`
      const changes = [
        `LABEL ${IMAGE_LABEL}=${PACKAGES_NAME}`,
        `LABEL ${PACKAGES_LABEL}=${JSON.stringify(wanted.join(','))}`,
        `ENV PATH=${IMAGE_PATH}`,
        'CMD ["/bin/sh"]',
      ]
      await importRoot(engine, dir, temp, changes, deadline, options.signal)
      try {
        await engine.tagImage(temp, tag)
      } finally {
        // Only the temporary name goes once the real one is on; without it, the image goes.
        await engine.removeImage(temp)
      }
      keepLog = false
    } catch (e) {
      if (e instanceof DstestError && e.code === 'E_INTERRUPTED') keepLog = false
      throw e
    } finally {
      await rm(dir, { recursive: true, force: true })
      await new Promise((r) => log.end(r))
      if (!keepLog) await rm(logPath, { force: true })
    }
    return { tag, cached: false, ms: performance.now() - started }
  } finally {
    await release()
  }
}
