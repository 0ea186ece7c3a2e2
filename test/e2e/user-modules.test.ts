/**
 * A user's target and workload modules with the built CLI, as a user runs
 * them (no Docker: the fixture target runs in-process): TypeScript loaded
 * directly, 'dstest' imports bound to the running dstest even where no
 * node_modules has it, the workloads a target ships, the module paths a run
 * records and `dstest check` loads again, and the refusals before a run.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, requireBuild, ROOT, tempDir } from './helpers.js'

beforeAll(() => requireBuild())

const TARGET = 'test/fixtures/targets/ts-counter/target.ts'
const testJson = (store: string): { modules?: Record<string, string>; spec: { target: string; workload: string } } =>
  JSON.parse(readFileSync(join(store, 'latest', 'test.json'), 'utf8')) as never

describe('user modules with the built CLI', () => {
  it('`list --target FILE` shows a TypeScript target: its bug modes, workloads (its own first) and clock faults', () => {
    const r = dstest(['list', '--target', TARGET])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/targets:\n  ts-counter  an in-process counter written in TypeScript \(.*ts-counter\/target\.ts\)\n/)
    expect(r.stdout).toMatch(/--bug lost-add: every third add is acknowledged but not applied\n\s+workloads: counter \(default\), reads-only; operations: add, read\n\s+clock faults: none/)
    expect(r.stdout).toMatch(/workloads:\n  counter\s+adds of 1[^\n]*\n  reads-only\s[^\n]*\n  register\s/)
    expect(r.stdout).not.toContain('raft-kv')
  })

  it('runs its own default workload (valid, exit 0), records the module, and `dstest check <run>` loads it again; its bug is caught both times', () => {
    const store = tempDir()
    const ok = dstest(['run', '--target', TARGET, '--time-limit', '1', '--rate', '200', '--seed', '3', '--store', store])
    expect(ok.stderr).toBe('')
    expect(ok.stdout).toMatch(/final-read: VALID - read (\d+), \1 adds acknowledged/)
    expect(ok.code).toBe(0)
    expect(testJson(store)).toMatchObject({ modules: { target: resolve(ROOT, TARGET) }, spec: { target: 'ts-counter', workload: 'counter' } })
    const again = dstest(['check', join(store, 'latest')])
    expect(again.stdout).toMatch(/final-read: VALID/)
    expect(again.code).toBe(0)

    const bug = dstest(['run', '--target', TARGET, '--bug', 'lost-add', '--time-limit', '1', '--rate', '200', '--seed', '3', '--store', store])
    expect(bug.stdout).toMatch(/final-read: INVALID - read \d+, \d+ adds acknowledged/)
    expect(bug.code).toBe(1)
    expect(dstest(['check', join(store, 'latest')]).code).toBe(1)
  })

  it('a workload the target names by path is found by its name, and its module recorded too', () => {
    const store = tempDir()
    const r = dstest(['run', '--target', TARGET, '--workload', 'reads-only', '--time-limit', '1', '--rate', '100', '--store', store])
    expect(r.code).toBe(0)
    expect(testJson(store).modules).toEqual({ target: resolve(ROOT, TARGET), workload: resolve(ROOT, 'test/fixtures/targets/ts-counter/reads-only.ts') })
    expect(dstest(['check', join(store, 'latest')]).stdout).toMatch(/never-negative: VALID/)
  })

  it("a target in a folder with no node_modules still gets this dstest for 'dstest'; once the folder is gone, check says where it was and how to go on", () => {
    const dir = join(tempDir(), 'mine')
    cpSync(join(ROOT, 'test/fixtures/targets/ts-counter'), dir, { recursive: true })
    const store = tempDir()
    const r = dstest(['run', '--target', './mine/target.ts', '--time-limit', '1', '--rate', '100', '--store', store], { cwd: join(dir, '..') })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    rmSync(dir, { recursive: true })
    const gone = dstest(['check', join(store, 'latest')])
    expect(gone.code).toBe(3)
    expect(gone.stderr).toBe(`dstest: this run's target came from ${dir}/target.ts, which is no longer there: pass --workload with its workload 'counter' (a bundled name, or the path of its module) or --checker NAME\n`)
    // The fix works: --workload names the bundled workload of that name, which needs no target module.
    const named = dstest(['check', join(store, 'latest'), '--workload', 'counter'])
    expect(named.stderr).toBe('')
    expect(named.stdout).toMatch(/counter: VALID - every read within its bounds/)
    expect(named.code).toBe(0)
  })

  it('a module that does not load is bad input (exit 3) in one line naming the place', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'broken.ts'), "import { defineTarget } from 'dstest'\nexport default defineTarget({ name: 'x',, })\n")
    const r = dstest(['run', '--target', join(dir, 'broken.ts')])
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`dstest: cannot load target module ${dir}/broken.ts: ${dir}/broken.ts:2:41: Property assignment expected.`)
    writeFileSync(join(dir, 'throws.mjs'), "throw new Error('no config file found')\n")
    const t = dstest(['list', '--target', join(dir, 'throws.mjs')])
    expect([t.code, t.stderr.trim()]).toEqual([3, `dstest: cannot load target module ${dir}/throws.mjs: no config file found: fix the module; run it with node, or tsc --noEmit for a .ts file, to see more`])
  })

  it("a stored run whose workload is neither bundled nor its target's says how to check it", () => {
    const run = join(tempDir(), 'run')
    mkdirSync(run)
    writeFileSync(join(run, 'test.json'), JSON.stringify({ name: 'x', spec: { target: 'raft-kv', workload: 'my-set' } }))
    writeFileSync(join(run, 'history.jsonl'), '')
    const r = dstest(['check', run])
    expect(r.code).toBe(3)
    expect(r.stderr).toBe("dstest: this run's workload 'my-set' is neither bundled nor one of its target's: pass --workload PATH (the module it came from) or --checker NAME\n")
  })

  it('--nemesis clock on a target that does not declare clock support exits 4 before the engine is touched, leaving nothing', () => {
    const store = tempDir()
    // No engine at that address: an error about the engine would mean the run got that far.
    const r = dstest(['run', '--target', 'test/fixtures/targets/no-clock.mjs', '--nemesis', 'clock', '--store', store], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } })
    expect(r.code).toBe(4)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^dstest: --nemesis clock cannot reach target no-clock: it does not declare how clock faults reach it, so they would change nothing it sees: start its processes under libfaketime/)
    expect(existsSync(store) ? readdirSync(store) : []).toEqual([])
    // The bundled targets declare it: the same flags pass pre-flight.
    expect(dstest(['run', '--target', 'raft-kv', '--nemesis', 'clock', '--dry-run', '--seed', '1']).code).toBe(0)
  })
})
