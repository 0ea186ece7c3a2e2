/**
 * The store: one folder per run, as laid out in DESIGN.md.
 *
 *   store/<test-name>/<YYYYMMDDTHHmmss.SSS>/{test.json,history.jsonl,results.json,report.html,nodes/,junit.xml,analyses/}
 *   store/<test-name>/latest -> the newest run;  store/latest -> the newest of all
 *
 * A run's own results are written once, by the run. A later `dstest check`
 * writes its analysis beside them (analyses/<stamp>/), built under a dot name
 * and renamed into place when complete, so an interrupted check leaves nothing
 * half-written and never moves a `latest` link.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { DstestError, UsageError } from './errors.js'

export const STORE_FILES = {
  test: 'test.json',
  history: 'history.jsonl',
  results: 'results.json',
  report: 'report.html',
  junit: 'junit.xml',
  nodes: 'nodes',
  analyses: 'analyses',
} as const

/** Names the store keeps for itself: the links to the newest runs. */
const RESERVED_NAMES = ['latest'] as const
const NAME_MAX = 64

/**
 * Why `name` cannot be a test name (a folder directly under the store), or
 * undefined. Dot names are refused: `.` and `..` are not folders of their own
 * (`..` would write outside the store) and unfinished folders have dot names.
 */
export function testNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a test name cannot be empty'
  if (name.length > NAME_MAX) return `a test name has at most ${NAME_MAX} characters (got ${name.length})`
  if (/^\.*$/.test(name) || name.startsWith('.')) return `'${name}' starts with "."; a test name starts with a letter or a digit`
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return `'${name}': a test name starts with a letter or a digit and holds only letters, digits, ".", "_" and "-"`
  if ((RESERVED_NAMES as readonly string[]).includes(name)) return `'${name}' is the name of the store's link to the newest run`
  return undefined
}

export function runStamp(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0')
  return (
    `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}` +
    `T${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}.${p(date.getUTCMilliseconds(), 3)}`
  )
}

export class RunDir {
  readonly path: string
  constructor(path: string) {
    this.path = path
  }
  file(name: keyof typeof STORE_FILES): string {
    return join(this.path, STORE_FILES[name])
  }
  nodeDir(node: string): string {
    const dir = join(this.path, STORE_FILES.nodes, node)
    mkdirSync(dir, { recursive: true })
    return dir
  }
  /** Writes JSON atomically (temp file + rename), so a crash never leaves half a file. */
  writeJson(name: 'test' | 'results', data: unknown): void {
    writeAtomic(this.file(name), JSON.stringify(data, null, 2) + '\n')
  }
  readJson<T>(name: 'test' | 'results'): T | undefined {
    const path = this.file(name)
    if (!existsSync(path)) return undefined
    return JSON.parse(readFileSync(path, 'utf8')) as T
  }
}

export function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, data)
  renameSync(tmp, path)
}

/**
 * Creates `path` and its missing parents one at a time, refusing (exit 3,
 * `what` names the flag) a path that cannot hold a folder. Node's own
 * recursive mkdir spins forever under /proc, where mkdir answers ENOENT for
 * a parent that exists.
 */
export function ensureFolder(path: string, what: string): void {
  const abs = resolve(path)
  const missing: string[] = []
  let at = abs
  while (!existsSync(at)) {
    missing.unshift(at)
    const up = dirname(at)
    if (up === at) break
    at = up
  }
  if (existsSync(at) && !statSync(at).isDirectory()) {
    throw new UsageError(`${what}: ${at} is a file, not a folder`, 'pass a folder (it is created if missing)')
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'EEXIST' && statSync(dir).isDirectory()) continue
      throw new UsageError(`${what}: cannot create ${dir} (${code ?? String(e)})`, 'pass a folder you can write to')
    }
  }
}

/**
 * Refuses (exit 3) a folder in which a file cannot be created and removed:
 * a read-only filesystem, /proc, /sys, a folder without write permission.
 * Asking the filesystem is the only test that holds for root and for
 * special filesystems alike.
 */
export function probeWritable(dir: string, what: string): void {
  const probe = join(dir, `.dstest-probe-${process.pid}`)
  try {
    writeFileSync(probe, '')
    unlinkSync(probe)
  } catch (e) {
    rmSync(probe, { force: true })
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(`${what}: cannot write in ${dir} (${code ?? String(e)})`, 'pass a folder you can write to')
  }
}

/** Which `latest` links a new folder moves: both (a run), the test's own, or none. */
export type LatestLinks = 'all' | 'test' | 'none'

/** Creates store/<name>/<stamp>/ (unique even for runs in the same millisecond). */
export function createRunDir(storeRoot: string, testName: string, now = new Date()): RunDir {
  const problem = testNameProblem(testName)
  if (problem) throw new UsageError(problem, 'pass --name NAME')
  const base = join(storeRoot, testName)
  ensureFolder(base, `--store ${storeRoot}`)
  const path = uniquePath(base, runStamp(now))
  mkdirSync(path)
  updateLatest(storeRoot, testName, path, 'all')
  return new RunDir(path)
}

function uniquePath(parent: string, name: string): string {
  let path = join(parent, name)
  for (let i = 1; existsSync(path); i++) path = join(parent, `${name}-${i}`)
  return path
}

/**
 * A folder written under a dot name in `parent` and renamed to its stamp
 * when complete (`commit`). Until then nothing reads it as a run or an
 * analysis, and `discard` (or a crash, which leaves only a dot folder)
 * never leaves a half-written one under a real name.
 */
export class PendingDir {
  readonly dir: RunDir
  private done = false
  private constructor(
    private readonly parent: string,
    private readonly name: string,
    tmp: string,
  ) {
    this.dir = new RunDir(tmp)
  }

  static begin(parent: string, what: string, now = new Date()): PendingDir {
    ensureFolder(parent, what)
    const name = runStamp(now)
    const tmp = join(parent, `.${name}.tmp-${process.pid}`)
    rmSync(tmp, { recursive: true, force: true })
    mkdirSync(tmp)
    return new PendingDir(parent, name, tmp)
  }

  get path(): string {
    return this.dir.path
  }

  /** Renames the folder into place; returns its final path. */
  commit(): string {
    if (this.done) throw new Error(`${this.dir.path} was already committed or discarded`)
    const path = uniquePath(this.parent, this.name)
    renameSync(this.dir.path, path)
    this.done = true
    return path
  }

  discard(): void {
    if (this.done) return
    this.done = true
    rmSync(this.dir.path, { recursive: true, force: true })
  }
}

function relink(link: string, target: string): void {
  const tmp = `${link}.tmp-${process.pid}`
  rmSync(tmp, { force: true })
  symlinkSync(relative(dirname(link), target), tmp)
  renameSync(tmp, link) // atomic replace of the old link
}

/** Points the `latest` links at `runPath`: the test's own (store/<name>/latest) and, for 'all', store/latest. */
export function updateLatest(storeRoot: string, testName: string, runPath: string, which: LatestLinks): void {
  if (which === 'none') return
  relink(join(storeRoot, testName, 'latest'), runPath)
  if (which === 'all') relink(join(storeRoot, 'latest'), runPath)
}

/** The folder a re-check of `run` writes its analysis into (`<run>/analyses`). */
export function analysesDir(run: RunDir): string {
  return run.file('analyses')
}

/**
 * Resolves what the user passed to `dstest check`/`report`: a run folder, a
 * `latest` link, or a test folder (its latest run).
 */
export function openRunDir(path: string): RunDir {
  const abs = resolve(path)
  if (!existsSync(abs)) {
    throw new DstestError('E_NOT_FOUND', `no such run folder ${path}`, { fix: 'pass a folder under store/, e.g. store/latest' })
  }
  if (!statSync(abs).isDirectory()) {
    throw new DstestError('E_NOT_FOUND', `${path} is not a folder`, { fix: 'pass a run folder or a history file' })
  }
  if (existsSync(join(abs, STORE_FILES.history))) return new RunDir(abs)
  if (existsSync(join(abs, 'latest', STORE_FILES.history))) return new RunDir(join(abs, 'latest'))
  throw new DstestError('E_NOT_FOUND', `${path} holds no ${STORE_FILES.history}`, {
    fix: `pass a run folder (store/<test>/<time>) or store/latest${basename(abs) === STORE_FILES.analyses || basename(dirname(abs)) === STORE_FILES.analyses ? ' (pass the run itself, not its analyses folder)' : ''}`,
  })
}
