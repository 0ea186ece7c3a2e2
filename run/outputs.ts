/**
 * What a run leaves behind besides its store folder's history: report.html,
 * and JUnit XML with --junit (in each run's folder and, over every run, at
 * the path given). The paths are checked before the cluster starts, so a
 * run never ends with nowhere to write its verdict.
 */
import { existsSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { isDstestError, UsageError } from '../core/errors.js'
import type { TestSpec } from '../core/spec.js'
import { ensureFolder, probeWritable, STORE_FILES, writeAtomic } from '../core/store.js'
import { junitXml } from './junit.js'
import { writeReport } from './report-writer.js'
import type { Reporter } from './reporter.js'
import type { RunOutcome } from './test-run.js'

/**
 * Refuses (exit 3) a --store that is not a folder dstest can write in, and a
 * --junit it cannot write: their folders are created and a file written in
 * each, because only the filesystem knows (read-only mounts, /proc, root).
 */
export function checkOutputPaths(spec: Pick<TestSpec, 'store' | 'junit'>): void {
  const store = `--store ${spec.store}`
  ensureFolder(spec.store, store)
  probeWritable(resolve(spec.store), store)
  if (spec.junit === undefined) return
  const junit = resolve(spec.junit)
  const what = `--junit ${spec.junit}`
  if (existsSync(junit) && statSync(junit).isDirectory()) throw new UsageError(`${what} is a folder`, 'pass a file path such as junit.xml')
  // JUnit files are written whole under a temporary name and renamed over the old one: the folder must take new files.
  ensureFolder(dirname(junit), what)
  probeWritable(dirname(junit), what)
}

/**
 * After each run: its report.html, and its own junit.xml when --junit is
 * given. The verdict is already decided and stored: an output that cannot be
 * written is a warning, never a different exit code.
 */
export async function writeRunOutputs(spec: Pick<TestSpec, 'junit'>, testName: string, outcome: RunOutcome, reporter: Reporter): Promise<void> {
  await writeReport(outcome.runDir).catch((e: unknown) => reporter.warn(`could not write report.html: ${errorText(e)}`))
  if (spec.junit) {
    const path = join(outcome.runDir, STORE_FILES.junit)
    try {
      writeAtomic(path, junitXml(testName, [outcome]))
    } catch (e) {
      reporter.warn(`could not write ${path}: ${errorText(e)}`)
    }
  }
}

/** After every run: the --junit file, one testsuite per run. A failure is a warning, as above. */
export function writeJunitFile(path: string, testName: string, outcomes: readonly RunOutcome[], reporter: Pick<Reporter, 'warn'>): void {
  try {
    ensureFolder(dirname(resolve(path)), `--junit ${path}`)
    writeAtomic(path, junitXml(testName, outcomes))
  } catch (e) {
    reporter.warn(`could not write the JUnit file ${path}: ${errorText(e)}`)
  }
}

function errorText(e: unknown): string {
  return isDstestError(e) ? e.toLine() : e instanceof Error ? e.message : String(e)
}
