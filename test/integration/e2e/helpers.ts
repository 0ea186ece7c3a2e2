/**
 * Helpers for the end-to-end tests on a real Docker engine: is there an
 * engine, what a run left behind, and what it concluded.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'

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
  const filter = `label=dstest.run${runId === undefined ? '' : `=${runId}`}`
  const containers = execFileSync('docker', ['ps', '-aq', '--filter', filter], { encoding: 'utf8' }).trim()
  const networks = execFileSync('docker', ['network', 'ls', '-q', '--filter', filter], { encoding: 'utf8' }).trim()
  return [...containers.split('\n'), ...networks.split('\n')].filter(Boolean)
}

export function results(store: string): { valid: unknown; checkers: Record<string, { valid: unknown }> } {
  return JSON.parse(readFileSync(join(latestRun(store), 'results.json'), 'utf8')) as never
}
