import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ExitCode, InterruptedError } from '../../../core/errors.js'
import { preflight } from '../../../run/preflight.js'
import type { PhaseName, Reporter, RunSummary } from '../../../run/reporter.js'
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
    reporter.phase = (p: PhaseName) => {
      phase(p)
      if (p === 'running') setTimeout(() => controller.abort(), 300)
    }
    const outcomes = await runSeries(prepared, { reporter, signal: controller.signal })
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]!.exitCode).toBe(ExitCode.interrupted)
    expect(outcomes[0]!.valid).toBe(true)
  })

  it('reports the phases in order, with times on the history clock once the workload started; test.json keeps them', async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-series-'))
    const prepared = await preflight({ target: 'memory', timeLimit: 0.5, rate: 1000, seed: 4, store }, undefined)
    const seen: [PhaseName, number | undefined][] = []
    const reporter = recorder()
    reporter.phase = (p: PhaseName, at?: number) => void seen.push([p, at])
    const [outcome] = await runSeries(prepared, { reporter, signal: new AbortController().signal })
    expect(seen.map(([p]) => p)).toEqual(['cluster', 'setup', 'running', 'final reads', 'teardown', 'checking'])
    expect(seen.slice(0, 2).map(([, at]) => at)).toEqual([undefined, undefined])
    expect(seen[2]![1]).toBeLessThan(0.05)
    // The time limit ends the main phase as soon as the next op is due at or after 0.5 s, which can be
    // one gap between ops (about 1 ms at 1,000 ops/s) before 0.5 s: once it was 0.498.
    expect(seen[3]![1]).toBeGreaterThanOrEqual(0.45)
    const test = JSON.parse(readFileSync(join(outcome!.runDir, 'test.json'), 'utf8')) as { runId: string; replay: string; timeline: { base: string; phases: { phase: string; at: number }[] } }
    expect(test.runId).toBe(outcome!.runId)
    expect(test.runId).toMatch(/^memory-register-[0-9a-f]{6}$/)
    expect(test.replay).toBe('dstest run --target memory --workload register --time-limit 0.5 --rate 1000 --nemesis none --seed 4')
    expect(test.timeline.base).toBe('workload start (history time 0)')
    expect(test.timeline.phases.map((p) => p.phase)).toEqual(seen.map(([p]) => p))
    expect(test.timeline.phases[0]!.at).toBeLessThanOrEqual(0)
  })

  it('Ctrl-C while checking: the check finishes and is stored, and the run exits 130', async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-series-'))
    const prepared = await preflight({ target: 'memory', timeLimit: 0.5, rate: 1000, testCount: 2, seed: 1, store }, undefined)
    const controller = new AbortController()
    const reporter = recorder()
    const phase = reporter.phase
    reporter.phase = (p: PhaseName) => {
      phase(p)
      if (p === 'checking') controller.abort(new InterruptedError('SIGINT'))
    }
    const outcomes = await runSeries(prepared, { reporter, signal: controller.signal })
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]!.exitCode).toBe(ExitCode.interrupted)
    expect(outcomes[0]!.valid).toBe(true)
    expect(outcomes[0]!.summary).toMatch(/^interrupted; checked the [\d,]+ client operations recorded/)
    expect((JSON.parse(readFileSync(join(outcomes[0]!.runDir, 'results.json'), 'utf8')) as { valid: unknown }).valid).toBe(true)
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
