/**
 * The runs of a store, for `dstest serve`'s index: every
 * <store>/<test>/<run>/ folder holding a test.json, with what its test.json
 * and results.json say. Each run is read once and kept until its files change,
 * so the index of a big store stays quick to reload.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { STORE_FILES } from '../../core/store.js'

export type RunVerdict = 'valid' | 'invalid' | 'unknown' | 'none'

export interface StoredRun {
  /** `<test>/<run>`, the folder relative to the store. */
  path: string
  test: string
  startedAt: string
  target: string
  workload: string
  nemesis: string
  bug: string
  seed: string
  seconds: number | undefined
  verdict: RunVerdict
  summary: string
  hasReport: boolean
}

const cache = new Map<string, { stamp: string; run: StoredRun }>()

function stampOf(dir: string): string {
  return [STORE_FILES.test, STORE_FILES.results, STORE_FILES.report]
    .map((f) => {
      try {
        const st = statSync(join(dir, f))
        return `${st.mtimeMs}:${st.size}`
      } catch {
        return '-'
      }
    })
    .join('|')
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function verdictOf(valid: unknown, hasResults: boolean): RunVerdict {
  if (!hasResults) return 'none'
  return valid === true ? 'valid' : valid === false ? 'invalid' : 'unknown'
}

function readRun(root: string, test: string, name: string): StoredRun | undefined {
  const dir = join(root, test, name)
  const stamp = stampOf(dir)
  const hit = cache.get(dir)
  if (hit && hit.stamp === stamp) return hit.run
  const t = readJson(join(dir, STORE_FILES.test))
  if (!t) return undefined
  const r = readJson(join(dir, STORE_FILES.results))
  const spec = (t.spec ?? {}) as Record<string, unknown>
  const run: StoredRun = {
    path: `${test}/${name}`,
    test: String(t.name ?? test),
    startedAt: String(t.startedAt ?? ''),
    target: String(spec.target ?? ''),
    workload: String(spec.workload ?? ''),
    nemesis: Array.isArray(spec.nemesis) ? spec.nemesis.join(',') : String(spec.nemesis ?? ''),
    bug: spec.bug === undefined || spec.bug === null ? '' : String(spec.bug),
    seed: t.seed === undefined || t.seed === null ? '' : String(t.seed),
    seconds: typeof t.seconds === 'number' ? t.seconds : undefined,
    verdict: verdictOf(r?.valid, r !== undefined),
    summary: typeof r?.summary === 'string' ? r.summary : typeof t.error === 'string' ? `error: ${t.error}` : '',
    hasReport: existsSync(join(dir, STORE_FILES.report)),
  }
  cache.set(dir, { stamp, run })
  return run
}

/** Every run of the store, newest first. Links (`latest`) are skipped: their runs are listed under their own names. */
export function listRuns(root: string): StoredRun[] {
  const runs: StoredRun[] = []
  const dirs = (path: string): string[] => {
    try {
      return readdirSync(path).filter((n) => {
        try {
          return lstatSync(join(path, n)).isDirectory()
        } catch {
          return false
        }
      })
    } catch {
      return []
    }
  }
  for (const test of dirs(root)) {
    for (const name of dirs(join(root, test))) {
      const run = readRun(root, test, name)
      if (run) runs.push(run)
    }
  }
  return runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.path < b.path ? 1 : -1))
}
