/**
 * What a run tells the person (or CI log) watching it: the contract between
 * the pipeline (run/) and the reporters that print (cli/reporters/).
 * Reporters only print: they never decide anything about the test.
 */
import type { Op } from '../core/op.js'
import type { Validity } from '../checkers/checker.js'

export interface RunInfo {
  testName: string
  seed: number
  target: string
  workload: string
  nemesis: readonly string[]
  timeLimitSeconds: number
  runDir: string
  /** 1-based run number and total when --test-count > 1. */
  run: number
  runs: number
}

export interface RunSummary {
  valid: Validity
  exitCode: number
  summary: string
  runDir: string
  seed: number
  ops: number
  seconds: number
  checkers: Record<string, { valid: Validity; summary?: string }>
}

export interface Reporter {
  start(info: RunInfo): void
  /** A phase of the run (cluster, setup, running, healing, checking, teardown). */
  phase(name: string): void
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
