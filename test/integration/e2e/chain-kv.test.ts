/**
 * The built CLI against a real Docker engine with the bundled chain-kv target:
 * the correct chain is linearizable under partitions, the read-any bug is
 * caught, and neither run leaves a container or network behind.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, requireBuild, tempDir } from '../../e2e/helpers.js'
import { engine, latestRun, leftovers, results } from './helpers.js'

describe.skipIf(!engine)(`chain-kv end to end on Docker${engine ? '' : ' (skipped: no Docker engine answers `docker info`)'}`, () => {
  beforeAll(() => requireBuild())

  it('the correct chain is linearizable under partitions (exit 0) and leaves nothing behind', () => {
    const store = tempDir()
    const r = dstest(['run', '--target', 'chain-kv', '--nemesis', 'partition', '--nemesis-interval', '4', '--time-limit', '15', '--seed', '1', '--store', store], { timeoutMs: 180_000 })
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/nemesis ok start-partition/)
    expect(r.stdout).toMatch(/verdict: VALID \(exit 0\)/)
    expect(r.code).toBe(0)
    expect(results(store).checkers['linearizable']?.valid).toBe(true)
    expect(leftovers(store)).toEqual([])
  }, 200_000)

  it('the read-any bug is caught under partitions (exit 1), with the counterexample in the report', () => {
    const store = tempDir()
    const r = dstest(['run', '--target', 'chain-kv', '--bug', 'read-any', '--nemesis', 'partition', '--nemesis-interval', '4', '--time-limit', '20', '--seed', '1', '--store', store], { timeoutMs: 180_000 })
    expect(r.stdout).toMatch(/linearizable: INVALID/)
    expect(r.code).toBe(1)
    expect(results(store).valid).toBe(false)
    expect(readFileSync(join(latestRun(store), 'report.html'), 'utf8')).toContain('Why it is not linearizable')
    expect(leftovers(store)).toEqual([])
  }, 200_000)
})
