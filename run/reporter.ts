/**
 * What a run tells the person (or CI log) watching it: the contract between
 * the pipeline (run/) and the reporters that print (cli/reporters/).
 * Reporters only print: they never decide anything about the test.
 *
 * One time base: seconds since the workload started (the history's time 0),
 * as in history.jsonl, test.json's phases, the report and `--dry-run`.
 */
import type { Op } from '../core/op.js'
import type { Validity } from '../checkers/checker.js'

export interface RunInfo {
  testName: string
  /** The id on everything the run creates: `dstest cleanup --run <runId>` removes it. */
  runId: string
  seed: number
  target: string
  workload: string
  nemesis: readonly string[]
  timeLimitSeconds: number
  /** The other options that change what the run does ([flag, value], not defaults), for the banner. */
  options: readonly (readonly [string, string])[]
  /** The command that replays this run. */
  replay: string
  runDir: string
  /** 1-based run number and total when --test-count > 1. */
  run: number
  runs: number
}

/** The phases of a run, in order; `recovery` and `final reads` only when they apply. */
export type PhaseName = 'cluster' | 'setup' | 'running' | 'heal' | 'recovery' | 'final reads' | 'teardown' | 'checking'

export interface RunSummary {
  valid: Validity
  exitCode: number
  summary: string
  runId: string
  runDir: string
  seed: number
  /** Client operations invoked (an invocation and its completion are one). */
  clientOperations: number
  seconds: number
  /** The command that replays this run. */
  replay: string
  checkers: Record<string, { valid: Validity; summary?: string; explanation?: string }>
}

export interface Reporter {
  start(info: RunInfo): void
  /** A phase begins; `at` is seconds since the workload started (undefined before it has). */
  phase(name: PhaseName, at?: number): void
  op(op: Op): void
  warn(message: string): void
  finish(summary: RunSummary): void
  /** After all --test-count runs. */
  summary?(runs: RunSummary[]): void
  close(): void
}

/** The verdict as one word, as every reporter and the JUnit output print it. */
export function verdictWord(valid: Validity): string {
  return valid === true ? 'VALID' : valid === false ? 'INVALID' : 'UNKNOWN'
}
