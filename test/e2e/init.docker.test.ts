/**
 * The project `dstest init` writes, run as it is against a real Docker
 * engine: its own target (TypeScript, loaded by path) with its own tiny-set
 * workload, under kill and pause through the process helper, valid; then
 * re-checked from its run folder with `dstest check`, which loads the target
 * module again. Nothing is left behind.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { engine, latestRun, leftovers } from './docker-helpers.js'
import { dstest, requireBuild, tempDir } from './helpers.js'
import { linkDstest } from './project.js'

describe.skipIf(!engine)(`dstest init's project on Docker${engine ? '' : ' (skipped: no Docker engine answers `docker info`)'}`, () => {
  beforeAll(() => requireBuild())

  it('runs as it is (valid, exit 0) under kill and pause, and `dstest check <run>` agrees', () => {
    const dir = join(tempDir(), 'my-test')
    expect(dstest(['init', dir]).code).toBe(0)
    linkDstest(dir)
    const r = dstest(['run', '--target', './target.ts', '--nemesis', 'kill,pause', '--nemesis-interval', '2', '--time-limit', '10', '--seed', '4', '--reporter', 'line'], {
      cwd: dir,
      timeoutMs: 240_000,
    })
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/nemesis ok kill \{"killed":\["n\d"\],"via":"target"\}/)
    expect(r.stdout).toMatch(/nemesis ok start \{"started":\["n\d"\],"via":"target"\}/)
    expect(r.stdout).toMatch(/final-reads: VALID - \d+ final read\(s\) hold all \d+ acknowledged element\(s\)/)
    expect(r.code).toBe(0)
    const store = join(dir, 'store')
    const run = latestRun(store)
    expect(JSON.parse(readFileSync(join(run, 'test.json'), 'utf8'))).toMatchObject({ spec: { target: 'tiny-kv', workload: 'tiny-set' }, modules: { target: join(dir, 'target.ts') } })
    expect(readFileSync(join(run, 'nodes', 'n1', 'tiny-kv.log'), 'utf8')).toMatch(/n1 listening on 7300 as primary/)
    expect(leftovers(store)).toEqual([])

    const check = dstest(['check', 'store/latest'], { cwd: dir })
    expect(check.stdout).toMatch(/final-reads: VALID/)
    expect(check.code).toBe(0)
  }, 300_000)
})
