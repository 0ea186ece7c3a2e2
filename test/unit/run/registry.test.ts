import { describe, expect, it } from 'vitest'
import { isDstestError } from '../../../core/errors.js'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { listTargets, listWorkloads, loadTarget, loadWorkload, resolveTarget, resolveWorkload, targetWorkloadNames, targetWorkloads } from '../../../run/registry.js'
import { settlingQueueWorkload } from '../../../workloads/queue.js'

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (isDstestError(e) ? `${e.code} ${e.toLine()}` : String(e)),
  )

describe('target and workload registry', () => {
  it('names the bundled targets and workloads; every target declares the operations its client implements', () => {
    expect(listTargets().map((t) => t.name)).toEqual(['raft-kv', 'chain-kv', 'memory'])
    expect(listWorkloads().map((w) => w.name)).toEqual(['register', 'set', 'bank', 'counter', 'unique-ids', 'queue', 'long-fork', 'list-append', 'rw-register'])
    for (const t of listTargets()) expect(t.operations, t.name).toEqual(expect.arrayContaining(['read', 'write', 'cas']))
  })

  it('refuses unknown names with the valid ones (exit 3)', async () => {
    expect(await codeOf(resolveTarget('nope'))).toMatch(/^E_UNKNOWN_NAME unknown target 'nope': choose one of: raft-kv, chain-kv, memory/)
    expect(await codeOf(resolveWorkload('bnak'))).toMatch(/^E_UNKNOWN_NAME unknown workload 'bnak': choose one of: register, set, bank, counter, unique-ids, queue, long-fork, list-append, rw-register/)
  })

  it('refuses a module path that is a folder or a pipe, rather than importing it (a pipe would never finish loading)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstest-registry-'))
    try {
      mkdirSync(join(dir, 'folder.mjs'))
      expect(spawnSync('mkfifo', [join(dir, 'pipe.mjs')]).status).toBe(0)
      for (const name of ['folder.mjs', 'pipe.mjs']) {
        expect(await codeOf(loadTarget(join(dir, name)))).toBe(`E_USAGE ${join(dir, name)} is not a file: pass the path of a .js, .mjs, .ts or .mts file that exports a target`)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('loads a workload module by path, and refuses a module that is not what was asked for', async () => {
    const path = 'test/fixtures/workloads/txn-workload.mjs'
    expect((await resolveWorkload(path)).operations).toEqual(['read', 'txn'])
    expect(await codeOf(resolveTarget(path))).toMatch(/^E_USAGE .* does not export a target: export default defineTarget\(\{ name, workloads, operations,/)
    expect(await codeOf(resolveWorkload('./missing.mjs'))).toMatch(/^E_NOT_FOUND no workload module at \.\/missing\.mjs/)
    expect(await codeOf(resolveTarget('./target.cts'))).toMatch(/^E_NOT_FOUND/)
  })

  it("loads a TypeScript target by path with the workloads it ships: objects, and module paths relative to its file", async () => {
    const file = 'test/fixtures/targets/ts-counter/target.ts'
    const t = await loadTarget(file)
    expect(t.target.name).toBe('ts-counter')
    expect(t.module).toBe(resolve(file))
    expect(await targetWorkloadNames(t)).toEqual(['counter', 'reads-only'])
    const own = await targetWorkloads(t)
    expect(own.map((w) => [w.workload.name, w.module])).toEqual([
      ['counter', undefined],
      ['reads-only', resolve('test/fixtures/targets/ts-counter/reads-only.ts')],
    ])
    // No name: the target's first. A name: the target's own first, then the bundled ones.
    expect((await loadWorkload(undefined, t)).workload.name).toBe('counter')
    expect(await loadWorkload('reads-only', t)).toMatchObject({ workload: { name: 'reads-only' }, module: resolve('test/fixtures/targets/ts-counter/reads-only.ts') })
    expect((await loadWorkload('register', t)).workload.name).toBe('register')
    expect(await codeOf(loadWorkload('nope', t))).toMatch(/^E_UNKNOWN_NAME unknown workload 'nope': choose one of: counter, reads-only, register, set, /)
    // Its own 'counter' comes before the bundled one of that name.
    expect(await loadWorkload('counter', t)).toEqual({ workload: (await targetWorkloads(t))[0]!.workload })
    // The bundled ones are names only: nothing to load; raft-kv serves its own queue (dequeues it can settle).
    expect(await targetWorkloads({ target: raftKv() })).toEqual([{ workload: settlingQueueWorkload }])
    expect(await targetWorkloadNames({ target: raftKv() })).toEqual(['register', 'set', 'bank', 'counter', 'unique-ids', 'queue', 'long-fork', 'list-append', 'rw-register'])
    expect((await loadWorkload('queue', { target: raftKv() })).workload).toBe(settlingQueueWorkload)
    expect((await loadWorkload('queue')).workload.operations).toEqual(['enqueue', 'dequeue'])
  })
})

const raftKv = () => listTargets().find((t) => t.name === 'raft-kv')!
