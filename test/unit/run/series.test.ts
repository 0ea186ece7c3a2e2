import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ExitCode } from '../../../core/errors.js'
import { preflight } from '../../../run/preflight.js'
import type { Reporter, RunSummary } from '../../../run/reporter.js'
import { runSeries, worstExit } from '../../../run/series.js'
import type { RunOutcome } from '../../../run/test-run.js'

/** Keeps what the pipeline tells its reporter. */
function recorder(): Reporter & { phases: string[]; finished: RunSummary[]; summaries: RunSummary[][] } {
  const r = {
    phases: [] as string[],
    finished: [] as RunSummary[],
    summaries: [] as RunSummary[][],
    start() {},
    phase: (p: string) => void r.phases.push(p),
    op() {},
    warn() {},
    finish: (s: RunSummary) => void r.finished.push(s),
    summary: (runs: RunSummary[]) => void r.summaries.push(runs),
    close() {},
  }
  return r
}

describe('runSeries', () => {
  it('runs the memory target --test-count times with seeds seed, seed+1, writes every output and summarises', async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-series-'))
    const junit = join(store, 'out', 'junit.xml')
    const prepared = await preflight({ target: 'memory', timeLimit: 0.5, rate: 1000, testCount: 2, seed: 20, store, junit }, undefined)
    const reporter = recorder()
    const outcomes = await runSeries(prepared, { reporter, signal: new AbortController().signal })
    expect(outcomes.map((o) => o.seed)).toEqual([20, 21])
    expect(outcomes.map((o) => o.exitCode)).toEqual([0, 0])
    expect(reporter.phases.filter((p) => p === 'cluster')).toHaveLength(2)
    expect(reporter.finished).toHaveLength(2)
    expect(reporter.summaries).toHaveLength(1)
    for (const o of outcomes) {
      expect(readFileSync(join(o.runDir, 'report.html'), 'utf8')).toContain('<html')
      expect(readFileSync(join(o.runDir, 'junit.xml'), 'utf8')).toContain(`value="${o.seed}"`)
    }
    expect(readFileSync(junit, 'utf8').match(/<testsuite /g)).toHaveLength(2)
  })

  it('an aborted series stops after the interrupted run and checks what it recorded', async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-series-'))
    const prepared = await preflight({ target: 'memory', timeLimit: 30, rate: 1000, testCount: 3, seed: 1, store }, undefined)
    const controller = new AbortController()
    const reporter = recorder()
    const phase = reporter.phase
    reporter.phase = (p: string) => {
      phase(p)
      if (p === 'running') setTimeout(() => controller.abort(), 300)
    }
    const outcomes = await runSeries(prepared, { reporter, signal: controller.signal })
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]!.exitCode).toBe(ExitCode.interrupted)
    expect(outcomes[0]!.valid).toBe(true)
  })

  it('worstExit: interrupted > harness error > bad input > anomaly > unknown > valid', () => {
    const o = (exitCode: number) => ({ exitCode }) as RunOutcome
    expect(worstExit([])).toBe(0)
    expect(worstExit([o(0), o(2), o(1)])).toBe(1)
    expect(worstExit([o(1), o(4)])).toBe(4)
    expect(worstExit([o(4), o(130), o(0)])).toBe(130)
    expect(worstExit([o(0), o(2)])).toBe(2)
  })
})
