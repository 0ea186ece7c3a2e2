/**
 * What a run leaves behind besides its store folder's history: report.html,
 * and JUnit XML with --junit (in each run's folder and, over every run, at
 * the path given). The paths are checked before the cluster starts, so a
 * run never ends with nowhere to write its verdict.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { UsageError } from '../core/errors.js'
import type { TestSpec } from '../core/spec.js'
import { STORE_FILES } from '../core/store.js'
import { junitXml } from './junit.js'
import { writeReport } from './report-writer.js'
import type { Reporter } from './reporter.js'
import type { RunOutcome } from './test-run.js'

/** Refuses (exit 3) a --store that is not a folder dstest can write, and a --junit it cannot write. */
export function checkOutputPaths(spec: Pick<TestSpec, 'store' | 'junit'>): void {
  const store = resolve(spec.store)
  if (existsSync(store)) {
    if (!statSync(store).isDirectory()) throw new UsageError(`--store ${spec.store} is a file, not a folder`, 'pass a folder (it is created if missing)')
    needWritable(store, `--store ${spec.store}`)
  } else needCreatable(store, `--store ${spec.store}`)
  if (spec.junit === undefined) return
  const junit = resolve(spec.junit)
  if (existsSync(junit)) {
    if (statSync(junit).isDirectory()) throw new UsageError(`--junit ${spec.junit} is a folder`, 'pass a file path such as junit.xml')
    needWritable(junit, `--junit ${spec.junit}`)
  } else needCreatable(dirname(junit), `--junit ${spec.junit}`)
}

/** `path` does not exist: its nearest existing ancestor must be a folder we can write into. */
function needCreatable(path: string, what: string): void {
  let at = path
  while (!existsSync(at)) at = dirname(at)
  if (!statSync(at).isDirectory()) throw new UsageError(`${what} cannot be created: ${at} is a file`, 'pass a path under a folder')
  needWritable(at, what)
}

function needWritable(path: string, what: string): void {
  try {
    accessSync(path, constants.W_OK)
  } catch {
    throw new UsageError(`${what}: ${path} is not writable`, 'pass a path you can write to')
  }
}

/** After each run: its report.html, and its own junit.xml when --junit is given. A report that fails is a warning. */
export async function writeRunOutputs(spec: Pick<TestSpec, 'junit'>, outcome: RunOutcome, reporter: Reporter): Promise<void> {
  await writeReport(outcome.runDir).catch((e: unknown) => reporter.warn(`could not write report.html: ${String(e)}`))
  if (spec.junit) writeFileSync(join(outcome.runDir, STORE_FILES.junit), junitXml(outcome.runDir, [outcome]))
}

/** After every run: the --junit file, one testsuite per run. */
export function writeJunitFile(path: string, testName: string, outcomes: readonly RunOutcome[]): void {
  mkdirSync(dirname(resolve(path)), { recursive: true })
  writeFileSync(path, junitXml(testName, outcomes))
}
