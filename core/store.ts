/**
 * The store: one folder per run, as laid out in DESIGN.md.
 *
 *   store/<test-name>/<YYYYMMDDTHHmmss.SSS>/{test.json,history.jsonl,results.json,report.html,nodes/,junit.xml}
 *   store/<test-name>/latest -> the newest run;  store/latest -> the newest of all
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { DstestError } from './errors.js'

export const STORE_FILES = {
  test: 'test.json',
  history: 'history.jsonl',
  results: 'results.json',
  report: 'report.html',
  junit: 'junit.xml',
  nodes: 'nodes',
} as const

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

/** Creates store/<name>/<stamp>/ (unique even for runs in the same millisecond). */
export function createRunDir(storeRoot: string, testName: string, now = new Date()): RunDir {
  const base = join(storeRoot, testName)
  mkdirSync(base, { recursive: true })
  const stamp = runStamp(now)
  let path = join(base, stamp)
  for (let i = 1; existsSync(path); i++) path = join(base, `${stamp}-${i}`)
  mkdirSync(path)
  updateLatest(storeRoot, testName, path)
  return new RunDir(path)
}

function relink(link: string, target: string): void {
  const tmp = `${link}.tmp-${process.pid}`
  rmSync(tmp, { force: true })
  symlinkSync(relative(dirname(link), target), tmp)
  renameSync(tmp, link) // atomic replace of the old link
}

function updateLatest(storeRoot: string, testName: string, runPath: string): void {
  relink(join(storeRoot, testName, 'latest'), runPath)
  relink(join(storeRoot, 'latest'), runPath)
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
    fix: 'pass a run folder (store/<test>/<time>) or store/latest',
  })
}
