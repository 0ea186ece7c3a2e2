import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isDstestError } from '../../../core/errors.js'
import { preflight } from '../../../run/preflight.js'

/** The error preflight refuses with (it must refuse). */
async function refusal(flags: Record<string, unknown>, dryRun = false): Promise<{ code: string; exitCode: number; line: string }> {
  try {
    await preflight(flags, undefined, { dryRun })
  } catch (e) {
    if (!isDstestError(e)) throw e
    return { code: e.code, exitCode: e.exitCode, line: e.toLine() }
  }
  throw new Error(`preflight accepted ${JSON.stringify(flags)}`)
}

describe('preflight', () => {
  it('resolves a runnable test: target, its first workload, runtime, name and seed', async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-preflight-'))
    const p = await preflight({ target: 'memory', seed: 42, store }, undefined)
    expect(p.target.name).toBe('memory')
    expect(p.workload.name).toBe('register')
    expect(p.runtimeName).toBe('memory')
    expect(p.testName).toBe('memory-register')
    expect(p.firstSeed).toBe(42)
    expect((await preflight({ target: 'memory', name: 'mine', store }, undefined)).testName).toBe('mine')
  })

  it('refuses names, bugs, runtimes and faults that do not fit the target (exit 3)', async () => {
    expect(await refusal({ target: 'nope' })).toMatchObject({ code: 'E_UNKNOWN_NAME', exitCode: 3 })
    expect((await refusal({ target: 'memory', workload: 'bnak' })).line).toMatch(/unknown workload 'bnak'/)
    expect((await refusal({ target: 'memory', bug: 'nope' })).line).toMatch(/unknown bug 'nope' for target memory: choose one of: stale-read/)
    expect((await refusal({ target: 'memory', runtime: 'docker' })).line).toMatch(/cannot run on the docker runtime: use --runtime memory/)
    expect((await refusal({ target: 'memory', nemesis: 'partition' })).line).toMatch(/memory runtime .* use --nemesis none/)
    expect((await refusal({ target: 'raft-kv', nemesis: 'partition', partition: 'triangle' })).line).toMatch(/unknown partition topology 'triangle'/)
  })

  it("refuses a target that does not implement the workload's operations, naming them (exit 3)", async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-preflight-'))
    const txn = 'test/fixtures/workloads/txn-workload.mjs'
    const lock = 'test/fixtures/workloads/lock-workload.mjs'
    const r = await refusal({ target: 'chain-kv', workload: lock, store })
    expect(r.exitCode).toBe(3)
    expect(r.line).toMatch(/^target chain-kv does not implement acquire, release, which workload 'lock-only' needs \(it implements read, write, cas, append, txn, add, transfer, generate, enqueue, dequeue, settle-dequeues\)/)
    for (const target of ['raft-kv', 'chain-kv', 'memory']) {
      await expect(preflight({ target, workload: txn, store }, undefined)).resolves.toMatchObject({ workload: { name: 'txn-only' } })
    }
  })

  it("refuses a workload's bad options before a cluster starts (exit 3)", async () => {
    const r = await refusal({ target: 'memory', workload: 'bank', workloadOptions: { accounts: 1 } }, true)
    expect(r).toMatchObject({ code: 'E_USAGE', exitCode: 3 })
    expect(r.line).toMatch(/^bank workload: option accounts must be an integer from 2 to 1000, got 1/)
    expect((await refusal({ target: 'memory', workload: 'queue', workloadOptions: { fifo: 'yes' } }, true)).line).toMatch(/queue workload: option fifo must be true or false/)
    // The register workload throws a plain error for a bad mix: still bad input.
    expect(await refusal({ target: 'memory', workloadOptions: { mix: { read: -1 } } }, true)).toMatchObject({ exitCode: 3, line: expect.stringMatching(/register workload: mix must be non-negative/) })
  })

  it('a target file: its own first workload by default, its module paths recorded for `dstest check`', async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-preflight-'))
    const target = 'test/fixtures/targets/ts-counter/target.ts'
    const p = await preflight({ target, store }, undefined)
    expect([p.target.name, p.workload.name, p.testName, p.runtimeName]).toEqual(['ts-counter', 'counter', 'ts-counter-counter', 'memory'])
    expect(p.modules).toEqual({ target: resolve(target) })
    const byName = await preflight({ target, workload: 'reads-only', store }, undefined)
    expect(byName.modules).toEqual({ target: resolve(target), workload: resolve('test/fixtures/targets/ts-counter/reads-only.ts') })
    // A bundled workload it does not serve, by name: refused with the ones it does.
    expect((await refusal({ target, workload: 'register', store })).line).toBe("target ts-counter has no client for workload 'register': choose one of: counter, reads-only")
    expect((await preflight({ target: 'memory', store }, undefined)).modules).toEqual({})
  })

  it('refuses clock faults on a target that does not say how they reach it, before anything starts (exit 4)', async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-preflight-'))
    const none = await refusal({ target: 'test/fixtures/targets/no-clock.mjs', nemesis: 'partition,clock', store }, true)
    expect(none).toMatchObject({ code: 'E_UNSUPPORTED', exitCode: 4 })
    expect(none.line).toMatch(/^--nemesis clock cannot reach target no-clock: it does not declare how clock faults reach it, .*: start its processes under libfaketime .* add clock: 'faketime' to the target/)
    expect((await refusal({ target: 'test/fixtures/targets/no-clock.mjs', nemesis: 'skewed-leader', store }, true)).line).toMatch(/^--nemesis skewed-leader cannot reach target no-clock/)
    await expect(preflight({ target: 'test/fixtures/targets/no-clock.mjs', nemesis: 'partition,kill', store }, undefined, { dryRun: true })).resolves.toBeDefined()
    await expect(preflight({ target: 'raft-kv', nemesis: 'clock', store }, undefined, { dryRun: true })).resolves.toBeDefined()
    const real = 'test/fixtures/targets/real-clock.mjs'
    expect((await refusal({ target: real, nemesis: 'clock', store }, true)).line).toMatch(/on the docker runtime: libfaketime cannot move its clock .*: use --runtime ssh --ssh-real-clock/)
    const ssh = { target: real, nemesis: 'clock', runtime: 'ssh', sshHost: ['10.9.9.9'], store }
    expect((await refusal(ssh, true)).line).toMatch(/on the ssh runtime: .*: pass --ssh-real-clock$/)
    await expect(preflight({ ...ssh, sshRealClock: true }, undefined, { dryRun: true })).resolves.toBeDefined()
  })

  it('checks --store and --junit before anything starts, except for a dry run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstest-preflight-'))
    const file = join(dir, 'a-file')
    writeFileSync(file, 'x')
    mkdirSync(join(dir, 'a-folder'))
    const base = { target: 'memory' }
    expect(await refusal({ ...base, store: file })).toMatchObject({ exitCode: 3, line: expect.stringMatching(/--store .*a-file is a file, not a folder/) })
    expect((await refusal({ ...base, store: join(file, 'store') })).line).toMatch(/--store .*: .*a-file is a file, not a folder/)
    expect((await refusal({ ...base, store: dir, junit: join(dir, 'a-folder') })).line).toMatch(/--junit .*a-folder is a folder/)
    expect((await refusal({ ...base, store: dir, junit: join(file, 'junit.xml') })).line).toMatch(/--junit .*: .*a-file is a file, not a folder/)
    // /proc holds no folder of ours: refused at once (Node's recursive mkdir spins forever there).
    expect((await refusal({ ...base, store: '/proc/dstest-store' })).line).toMatch(/^--store \/proc\/dstest-store: cannot create \/proc\/dstest-store \(ENOENT\)/)
    expect((await refusal({ ...base, store: '/proc/self' })).line).toMatch(/^--store \/proc\/self: cannot write in \/proc\/self/)
    expect((await refusal({ ...base, store: dir, junit: '/proc/self/status' })).line).toMatch(/^--junit \/proc\/self\/status: cannot write in \/proc\/self/)
    // Missing folders are fine: they are created when the run writes.
    await expect(preflight({ ...base, store: join(dir, 'new', 'store'), junit: join(dir, 'new', 'ci', 'junit.xml') }, undefined)).resolves.toBeDefined()
    await expect(preflight({ ...base, store: file }, undefined, { dryRun: true })).resolves.toBeDefined()
  })

  it('refuses a --name that is not a folder of its own under the store, or that a target module makes (exit 3)', async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-preflight-'))
    for (const name of ['..', '.', '...', '.hidden', 'latest', '-x', 'a/b', 'x'.repeat(65)]) {
      const r = await refusal({ target: 'memory', name, store })
      expect(r.exitCode, name).toBe(3)
      expect(r.line, name).toMatch(/--name: /)
    }
    expect((await refusal({ target: 'memory', name: 'latest', store })).line).toMatch(/'latest' is the name of the store's link to the newest run/)
    expect((await refusal({ target: 'memory', name: '..', store })).line).toMatch(/'\.\.' starts with "\."/)
    const weird = join(store, 'weird-target.mjs')
    writeFileSync(
      weird,
      "export default { name: '../escape', description: 'x', workloads: ['register'], operations: ['read', 'write', 'cas'], runtimes: ['memory'], setup() {}, teardown() {}, client() {} }\n",
    )
    expect((await refusal({ target: weird, store })).line).toMatch(/cannot name the test after target \.\.\/escape and workload register: .*: pass --name NAME/)
    expect(readdirSync(store)).toEqual(['weird-target.mjs'])
  })

  it('refuses partition topologies the cluster is too small for, dry run included (exit 3)', async () => {
    const two = await refusal({ target: 'raft-kv', nodes: 2, nemesis: 'partition' }, true)
    expect(two.exitCode).toBe(3)
    expect(two.line).toBe("the partition topology 'majorities-ring', drawn by default, needs at least 3 nodes, and --nodes is 2: pass --nodes 3 or more, or a --partition that fits: halves, random-halves, one, majority, minority-third, primaries")
    expect((await refusal({ target: 'raft-kv', nodes: 1, nemesis: 'partition,kill' }, true)).line).toMatch(/^the partition topologies 'one' \(2 nodes\), .* need more nodes than --nodes 1: pass --nodes 3 or more$/)
    expect((await refusal({ target: 'raft-kv', nodes: 2, nemesis: 'partition', partition: 'bridge' }, true)).line).toMatch(/'bridge' needs at least 3 nodes/)
    await expect(preflight({ target: 'raft-kv', nodes: 2, nemesis: 'partition', partition: 'one' }, undefined, { dryRun: true })).resolves.toBeDefined()
    await expect(preflight({ target: 'raft-kv', nodes: 1, nemesis: 'kill,pause,clock' }, undefined, { dryRun: true })).resolves.toBeDefined()
  })
})
