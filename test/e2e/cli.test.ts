import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BIN, dstest, dstestSpawn, requireBuild, tempDir } from './helpers.js'

beforeAll(() => requireBuild())

describe('dstest CLI: help, version, list', () => {
  it('--help lists the commands and examples', () => {
    const r = dstest(['--help'])
    expect(r.code).toBe(0)
    for (const c of ['run', 'check', 'list', 'cleanup']) expect(r.stdout).toContain(c)
    expect(r.stdout).toContain('run --target raft-kv --nemesis partition')
  })

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const r = dstest(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(pkg.version)
  })

  it('the built bin runs as a program, as npx and npm bin links run it (npm run build makes it executable)', () => {
    const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' })
    expect(r.error).toBeUndefined()
    expect(r.status).toBe(0)
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('the README lists every flag that `run --help` and `check --help` list', () => {
    const readme = readFileSync('README.md', 'utf8')
    for (const command of ['run', 'check']) {
      const r = dstest([command, '--help'])
      expect(r.code).toBe(0)
      const flags = [...r.stdout.matchAll(/^\s+(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1]!).filter((f) => f !== 'help' && f !== 'version')
      expect(flags.length, command).toBeGreaterThan(command === 'run' ? 20 : 6)
      const table = readme.slice(readme.indexOf(`<!-- generated:${command}-flags `), readme.indexOf(`<!-- /generated:${command}-flags -->`))
      for (const f of flags) expect(table, `--${f}`).toContain(`| \`--${f}`)
    }
  })

  it('list shows targets with bug modes, workloads, nemeses and checkers', () => {
    const r = dstest(['list'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/targets:\n[\s\S]*\n  memory\s+in-process/)
    expect(r.stdout).toMatch(/\n  raft-kv\s+the bundled Raft/)
    // Bug modes are listed under their own target.
    expect(r.stdout).toMatch(/\n  memory\s+in-process[^\n]*\n\s+--bug stale-read: /)
    expect(r.stdout).toMatch(/\n  raft-kv\s[^\n]*\n\s+--bug stale-read: [\s\S]*--bug no-vote-persist: /)
    expect(r.stdout).toMatch(/workloads:\n\s+register/)
    expect(r.stdout).toMatch(/checkers:[\s\S]*linearizable/)
    expect(dstest(['list', 'workloads']).stdout).not.toContain('targets:')
  })
})

describe('dstest CLI: --dry-run', () => {
  it('prints the pinned plan for a seed and exits 0 without starting a cluster', () => {
    const pinned = JSON.parse(readFileSync('test/fixtures/dry-run/plans.json', 'utf8')) as { seed: number; spec: Record<string, unknown>; plan: string }[]
    const p = pinned.find((x) => x.seed === 7)!
    expect(p.spec).toEqual({ nemesis: 'partition,kill', nemesisInterval: 5, timeLimit: 120 })
    const r = dstest(['run', '--target', 'raft-kv', '--nemesis', 'partition,kill', '--nemesis-interval', '5', '--time-limit', '120', '--seed', '7', '--dry-run'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(p.plan)
  })
})

describe('dstest CLI: bad input exits 3 with one line', () => {
  it('an unknown flag', () => {
    const r = dstest(['run', '--target', 'memory', '--tiem-limit', '3'])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/Unknown arguments?: tiem-limit/)
  })

  it('a value outside a flag\'s choices', () => {
    const r = dstest(['run', '--target', 'memory', '--reporter', 'loud'])
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/Argument: reporter, Given: "loud", Choices: "live", "line", "json", "quiet"/)
  })

  it('an unknown target names the valid ones', () => {
    const r = dstest(['run', '--target', 'nope'])
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/unknown target 'nope': choose one of: .*memory/)
  })

  it('an unknown list kind, workload, bug, nemesis and a bad value', () => {
    expect(dstest(['list', 'gizmos']).code).toBe(3)
    expect(dstest(['run', '--target', 'memory', '--workload', 'bnak']).stderr).toMatch(/unknown workload 'bnak': choose one of: register, set, bank/)
    expect(dstest(['run', '--target', 'memory', '--bug', 'nope']).stderr).toMatch(/unknown bug 'nope' for target memory: choose one of: stale-read/)
    expect(dstest(['run', '--target', 'memory', '--nemesis', 'meteor']).code).toBe(3)
    const bad = dstest(['run', '--target', 'memory', '--time-limit', '-4'])
    expect(bad.code).toBe(3)
    expect(bad.stderr).toMatch(/--time-limit/)
  })

  it("a workload whose operations the target does not implement, naming them", () => {
    const r = dstest(['run', '--target', 'chain-kv', '--workload', 'test/fixtures/workloads/lock-workload.mjs'])
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/target chain-kv does not implement acquire, release, which workload 'lock-only' needs/)
  })

  it('a --store or --junit that cannot be written, before any run starts', () => {
    const dir = tempDir()
    const file = join(dir, 'taken')
    writeFileSync(file, '')
    const store = dstest(['run', '--target', 'memory', '--store', file])
    expect(store.code).toBe(3)
    expect(store.stdout).toBe('')
    expect(store.stderr).toMatch(/^dstest: --store .*taken is a file, not a folder/)
    const junit = dstest(['run', '--target', 'memory', '--store', dir, '--junit', dir])
    expect(junit.code).toBe(3)
    expect(junit.stdout).toBe('')
    expect(junit.stderr).toMatch(/--junit .* is a folder/)
  })

  it('faults on the in-process target are refused with the fix', () => {
    const r = dstest(['run', '--target', 'memory', '--nemesis', 'partition'])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/memory runtime .* use --nemesis none/)
  })

  it('a malformed history names the line', () => {
    const dir = tempDir()
    const file = join(dir, 'history.jsonl')
    writeFileSync(file, '{"index":0,"time":0,"type":"invoke","process":0,"f":"read","value":null}\n{oops}\n{"index":2,"time":1,"type":"ok","process":0,"f":"read","value":1}\n')
    const r = dstest(['check', file, '--checker', 'linearizable', '--model', 'register', '--store', dir])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/history.jsonl:2: not valid JSON/)
  })

  it('a missing history, a bare history without a checker, a missing model', () => {
    expect(dstest(['check', '/nonexistent/h.jsonl']).code).toBe(3)
    const dir = tempDir()
    const file = join(dir, 'h.jsonl')
    writeFileSync(file, '')
    expect(dstest(['check', file]).stderr).toMatch(/needs a checker: pass --checker/)
    expect(dstest(['check', file, '--checker', 'linearizable']).stderr).toMatch(/needs a model/)
    expect(dstest(['check', file, '--checker', 'linearizable', '--model', 'nope']).code).toBe(3)
    const sc = dstest(['check', file, '--checker', 'linearizable', '--model', 'cas-register', '--independent', '--consistency', 'sequential'])
    expect(sc.code).toBe(3)
    expect(sc.stderr).toMatch(/sequential consistency cannot be checked key by key/)
  })

  it('a bad config file', () => {
    const dir = tempDir()
    const cfg = join(dir, 'cfg.json')
    writeFileSync(cfg, '{"target":"memory","concurrency":"lots"}')
    const r = dstest(['run', '--config', cfg])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/invalid config file .*concurrency/)
  })
})

describe('dstest CLI: running the memory target', () => {
  it('a correct run is valid (exit 0) and stores test.json, history, results, report; check agrees', () => {
    const store = tempDir()
    // 1,000 ops/s: enough cas attempts that one succeeds (the stats checker fails a run where none did).
    const r = dstest(['run', '--target', 'memory', '--time-limit', '2', '--rate', '1000', '--seed', '7', '--store', store, '--junit', join(store, 'junit.xml')])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/seed=7/)
    expect(r.stdout).toMatch(/verdict: VALID \(exit 0\)/)
    const run = realpathSync(join(store, 'latest'))
    for (const f of ['test.json', 'history.jsonl', 'results.json', 'report.html']) expect(existsSync(join(run, f))).toBe(true)
    const test = JSON.parse(readFileSync(join(run, 'test.json'), 'utf8')) as { seed: number; spec: { target: string } }
    expect(test.seed).toBe(7)
    const results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8')) as { valid: unknown; checkers: Record<string, { valid: unknown }> }
    expect(results.valid).toBe(true)
    expect(results.checkers['linearizable']?.valid).toBe(true)
    const lines = readFileSync(join(run, 'history.jsonl'), 'utf8').trim().split('\n')
    expect(lines.length).toBeGreaterThan(100)
    const junit = readFileSync(join(store, 'junit.xml'), 'utf8')
    expect(junit).toMatch(/<testcase [^>]*name="linearizable"/)
    expect(junit).toContain('<property name="seed" value="7"/>')

    const again = dstest(['check', join(store, 'latest')])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/linearizable: VALID/)
  })

  it('the stale-read bug is caught (exit 1), and re-checking agrees, to the failing key and its explanation', () => {
    const store = tempDir()
    const r = dstest(['run', '--target', 'memory', '--bug', 'stale-read', '--time-limit', '3', '--seed', '3', '--store', store])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/linearizable: INVALID/)
    expect(r.stdout).toMatch(/verdict: INVALID \(exit 1\)/)
    // The run folded over the ops as they were recorded; the re-check folds over the file.
    type Lin = { valid: unknown; summary: string; failedKey: unknown; explanation: string; detail: { failedPartition: number; partitions: unknown[] } }
    const linOf = (results: unknown): Lin => (results as { checkers: { linearizable: Lin } }).checkers.linearizable
    const during = linOf(JSON.parse(readFileSync(join(store, 'latest', 'results.json'), 'utf8')))
    const again = dstest(['check', join(store, 'latest'), '--json'])
    expect(again.code).toBe(1)
    const after = linOf(JSON.parse(again.stdout))
    expect(after.valid).toBe(false)
    expect(after.explanation).toMatch(/not linearizable/)
    for (const field of ['summary', 'failedKey', 'explanation'] as const) expect(after[field]).toEqual(during[field])
    expect(after.detail.failedPartition).toBe(during.detail.failedPartition)
  })

  it('--junit: a failure carries the explanation, the report and the replay command; a JUnit file that fails after the verdict is a warning, and the exit code stays the verdict', async () => {
    const dir = tempDir()
    const store = join(dir, 'store')
    const junit = join(dir, 'ci', 'junit.xml')
    const child = dstestSpawn(['run', '--target', 'memory', '--bug', 'stale-read', '--time-limit', '3', '--seed', '3', '--store', store, '--junit', junit])
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/\] running$/m.test(out)) {
          clearInterval(poll)
          resolve()
        }
      }, 20)
    })
    // While the run runs, the --junit folder (checked before it started) becomes a file.
    rmSync(join(dir, 'ci'), { recursive: true, force: true })
    writeFileSync(join(dir, 'ci'), 'not a folder')
    expect(await exited).toBe(1)
    expect(err).toBe('')
    expect(out).toMatch(/verdict: INVALID \(exit 1\)/)
    expect(out).toMatch(/^warning: could not write the JUnit file .*ci\/junit.xml: --junit .*: .*ci is a file, not a folder/m)
    const run = realpathSync(join(store, 'latest'))
    const xml = readFileSync(join(run, 'junit.xml'), 'utf8')
    const failure = /<failure message="[^"]*">([\s\S]*?)<\/failure>/.exec(xml)?.[1]
    expect(failure, xml).toBeDefined()
    expect(failure).toMatch(/^not linearizable: key \d+ has no valid order/)
    expect(failure).toMatch(/\n\nThe history is not linearizable .*The longest order found places/)
    expect(failure).toContain(`report: ${join(run, 'report.html')}`)
    expect(failure).toMatch(/\nreplay: dstest run --target memory --workload register --bug stale-read --time-limit 3 --nemesis none --seed 3$/)
  })

  it('final reads wait, bounded by --final-timeout, for a system still converging: a verdict rather than unknown', () => {
    const target = 'test/fixtures/targets/slow-to-converge.mjs'
    const store = tempDir()
    // Its reads fail until 2 s after the last write: only the retried final reads get answers.
    const r = dstest(['run', '--target', target, '--time-limit', '1', '--seed', '1', '--store', store])
    // Reads answered: the final reads waited. (The stats line may still be
    // unknown for cas alone: in a 1 s run under load, every cas can miss its
    // expected value, and then stats says so and nothing else.)
    expect(r.stdout, r.stdout + r.stderr).toMatch(/stats: (VALID|UNKNOWN) - .*read [1-9]\d*\/\d+ ok/)
    expect(r.stdout).toMatch(/linearizable: VALID/)
    if (r.code !== 0) {
      expect(r.code, r.stdout + r.stderr).toBe(2)
      expect(r.stdout).toMatch(/stats: UNKNOWN - no cas ever succeeded/)
    }
    // A bound far shorter than the convergence (60 s here, so no delay before the final reads can
    // reach it): the reads never succeed, and the verdict says unknown.
    const config = join(tempDir(), 'slow.json')
    writeFileSync(config, JSON.stringify({ targetOptions: { convergeMs: 60_000 } }))
    const short = dstest(['run', '--config', config, '--target', target, '--time-limit', '1', '--final-timeout', '1', '--seed', '1', '--store', store])
    expect(short.code).toBe(2)
    expect(short.stdout).toMatch(/stats: UNKNOWN - no read ever succeeded/)
    expect(short.stdout.split('\n')[0]).toMatch(/ final-timeout=1$/)
  })

  it('--test-count runs several seeds and summarises; --reporter json prints JSON lines', () => {
    const store = tempDir()
    const r = dstest(['run', '--target', 'memory', '--time-limit', '1', '--rate', '1000', '--test-count', '2', '--seed', '10', '--store', store, '--reporter', 'json'])
    expect(r.code).toBe(0)
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; seed?: number; runs?: unknown[] })
    expect(events.filter((e) => e.event === 'start').map((e) => e.seed)).toEqual([10, 11])
    expect(events.at(-1)?.event).toBe('summary')
  })

  it('Ctrl-C stops the run, checks what was recorded and exits 130', async () => {
    const store = tempDir()
    const child = dstestSpawn(['run', '--target', 'memory', '--time-limit', '60', '--rate', '1000', '--store', store])
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (out.includes('running')) {
          clearInterval(poll)
          setTimeout(resolve, 700)
        }
      }, 50)
    })
    child.kill('SIGINT')
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    expect(code).toBe(130)
    const run = realpathSync(join(store, 'latest'))
    const lines = readFileSync(join(run, 'history.jsonl'), 'utf8').trim().split('\n')
    expect(lines.length).toBeGreaterThan(10)
    expect((JSON.parse(readFileSync(join(run, 'results.json'), 'utf8')) as { valid: unknown }).valid).toBe(true)
    expect(dstest(['check', run]).code).toBe(0)
  })
})

describe('dstest CLI: unknown and environment errors', () => {
  it('a checker that runs out of time says unknown (exit 2)', () => {
    // 18 writes all overlapping, then a read of a value nobody wrote: proving that
    // illegal means trying every order of the writes, far more than 0.2 s of search.
    const dir = tempDir()
    const file = join(dir, 'hard.jsonl')
    const ops: object[] = []
    let t = 0
    for (let p = 0; p < 18; p++) ops.push({ time: t++, type: 'invoke', process: p, f: 'write', value: p + 1 })
    for (let p = 0; p < 18; p++) ops.push({ time: t++, type: 'ok', process: p, f: 'write', value: p + 1 })
    ops.push({ time: t++, type: 'invoke', process: 18, f: 'read', value: null })
    ops.push({ time: t++, type: 'ok', process: 18, f: 'read', value: 999 })
    writeFileSync(file, ops.map((o, index) => JSON.stringify({ index, ...o })).join('\n') + '\n')
    const r = dstest(['check', file, '--checker', 'linearizable', '--model', 'register', '--time-limit', '0.2', '--store', dir])
    expect(r.stdout).toMatch(/linearizable: UNKNOWN - could not decide/)
    expect(r.code).toBe(2)
  })

  it('no Docker engine is an environment error (exit 4) with the fix in one line', () => {
    const store = tempDir()
    const r = dstest(['run', '--target', 'raft-kv', '--time-limit', '5', '--store', store], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } })
    expect(r.code).toBe(4)
    expect(r.stdout + r.stderr).toMatch(/no Docker engine at \/nonexistent\/docker.sock: start one with `dockerd`/)
    const d = dstest(['doctor'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } })
    expect(d.code).toBe(4)
    expect(d.stdout).toMatch(/FAIL\s+engine/)
  })
})
