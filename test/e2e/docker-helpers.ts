/**
 * Helpers for the end-to-end tests on a real Docker engine: is there an
 * engine, what a run left behind, and what it concluded.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { dstest, tempDir } from './helpers.js'

export const engine = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0

/** The newest run folder of a store. */
export function latestRun(store: string): string {
  return realpathSync(join(store, 'latest'))
}

/**
 * Containers and networks still labelled with the run's id (all dstest runs'
 * when no store is given), so other runs on the same engine do not count.
 */
export function leftovers(store?: string): string[] {
  const runId = store === undefined ? undefined : (JSON.parse(readFileSync(join(latestRun(store), 'test.json'), 'utf8')) as { runId: string }).runId
  return leftoversOf(runId)
}

/** Containers and networks labelled with this run id (every dstest run's when undefined). */
export function leftoversOf(runId: string | undefined): string[] {
  const filter = `label=dstest.run${runId === undefined ? '' : `=${runId}`}`
  const containers = execFileSync('docker', ['ps', '-aq', '--filter', filter], { encoding: 'utf8' }).trim()
  const networks = execFileSync('docker', ['network', 'ls', '-q', '--filter', filter], { encoding: 'utf8' }).trim()
  return [...containers.split('\n'), ...networks.split('\n')].filter(Boolean)
}

export function results(store: string): { valid: unknown; checkers: Record<string, { valid: unknown }> } {
  return JSON.parse(readFileSync(join(latestRun(store), 'results.json'), 'utf8')) as never
}

/**
 * The two runs every bundled target passes in CI: the correct system valid
 * under partitions, and `bug` caught under partitions with the counterexample
 * in the report; neither leaves a container or network behind.
 */
export function validAndCaughtUnderPartitions(target: string, bug: { name: string; seed: number }): void {
  it(`the correct ${target} is linearizable under partitions (exit 0) and leaves nothing behind`, () => {
    const store = tempDir()
    const r = dstest(['run', '--target', target, '--nemesis', 'partition', '--nemesis-interval', '4', '--time-limit', '15', '--seed', '1', '--store', store], { timeoutMs: 180_000 })
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/nemesis ok start-partition/)
    expect(r.stdout).toMatch(/verdict: VALID \(exit 0\)/)
    // One time base, the workload's: it starts at 0 whatever the cluster took, and the countdown counts from there.
    expect(r.stdout).toMatch(/^\[0\.0s\] running$/m)
    const progress = /^\[(\d+\.\d)s\] (\d+)s left {2}\d+ client ops\/s/m.exec(r.stdout)
    expect(progress, r.stdout).not.toBeNull()
    expect(Math.abs(15 - Number(progress![1]) - Number(progress![2]))).toBeLessThanOrEqual(1)
    const phases = [...r.stdout.matchAll(/^(?:\[-?\d+\.\ds\] )?(cluster|setup|running|heal|recovery|final reads|teardown|checking)$/gm)].map((m) => m[1])
    expect(phases).toEqual(['cluster', 'setup', 'running', 'heal', 'recovery', 'final reads', 'teardown', 'checking'])
    expect(r.code).toBe(0)
    expect(results(store).checkers['linearizable']?.valid).toBe(true)
    expect(leftovers(store)).toEqual([])
  }, 200_000)

  it(`the ${bug.name} bug is caught under partitions (exit 1), with the counterexample in the report`, () => {
    const store = tempDir()
    const r = dstest(['run', '--target', target, '--bug', bug.name, '--nemesis', 'partition', '--nemesis-interval', '4', '--time-limit', '20', '--seed', String(bug.seed), '--store', store], { timeoutMs: 180_000 })
    expect(r.stdout).toMatch(/linearizable: INVALID/)
    expect(r.code).toBe(1)
    expect(results(store).valid).toBe(false)
    expect(readFileSync(join(latestRun(store), 'report.html'), 'utf8')).toContain('Why it is not linearizable')
    expect(leftovers(store)).toEqual([])
  }, 200_000)
}
