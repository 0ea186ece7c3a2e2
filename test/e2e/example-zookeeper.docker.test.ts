/**
 * examples/zookeeper on a real Docker engine, through the built CLI as its
 * README runs it: the node image with Debian's zookeeper package is built (from
 * nothing on a fresh machine: debootstrap, about three minutes), a five-server
 * ensemble with sync() before reads is linearizable under partitions, and
 * `--bug no-sync` (reads served from the connected server's own copy) is caught
 * when one server at a time is cut off.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, requireBuild, tempDir } from './helpers.js'
import { engine, latestRun, leftovers, results } from './docker-helpers.js'

const TARGET = 'examples/zookeeper/target.ts'

describe.skipIf(!engine)(`the ZooKeeper example on Docker${engine ? '' : ' (skipped: no Docker engine answers `docker info`)'}`, () => {
  beforeAll(() => requireBuild())

  it('builds its image, is linearizable under partitions with sync(), and no-sync is caught', () => {
    const build = dstest(['image', 'build', '--target', TARGET], { timeoutMs: 1_200_000 })
    expect(build.code, build.stdout + build.stderr).toBe(0)

    const store = tempDir()
    const run = (...flags: string[]) =>
      dstest(['run', '--target', TARGET, '--nemesis', 'partition', '--nemesis-interval', '5', '--time-limit', '20', '--reporter', 'line', '--store', store, ...flags], {
        timeoutMs: 420_000,
      })

    const valid = run('--seed', '1')
    expect(valid.stderr).toBe('')
    expect(valid.stdout).toMatch(/nemesis ok start-partition/)
    expect(valid.stdout).toMatch(/linearizable: VALID/)
    expect(valid.code).toBe(0)
    // The servers' own logs come back (slf4j-simple on standard error, into the process helper's log).
    expect(readFileSync(join(latestRun(store), 'nodes', 'n1', 'zookeeper.log'), 'utf8')).toMatch(/LEADING|FOLLOWING/)
    expect(leftovers(store)).toEqual([])

    // One server cut off at a time: it answers reads from its copy until it notices (syncLimit, 10 s).
    const caught = run('--seed', '2', '--bug', 'no-sync', '--partition', 'one')
    expect(caught.stdout).toMatch(/linearizable: INVALID/)
    expect(caught.code).toBe(1)
    expect(results(store).checkers['linearizable']?.valid).toBe(false)
    expect(leftovers(store)).toEqual([])
  }, 2_400_000)
})
