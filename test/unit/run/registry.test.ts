import { describe, expect, it } from 'vitest'
import { isDstestError } from '../../../core/errors.js'
import { listTargets, listWorkloads, resolveTarget, resolveWorkload } from '../../../run/registry.js'

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (isDstestError(e) ? `${e.code} ${e.toLine()}` : String(e)),
  )

describe('target and workload registry', () => {
  it('names the bundled targets and workloads; every target declares the operations its client implements', () => {
    expect(listTargets().map((t) => t.name)).toEqual(['raft-kv', 'chain-kv', 'memory'])
    expect(listWorkloads().map((w) => w.name)).toEqual(['register', 'set', 'bank', 'counter', 'unique-ids', 'queue', 'long-fork'])
    for (const t of listTargets()) expect(t.operations, t.name).toEqual(expect.arrayContaining(['read', 'write', 'cas']))
  })

  it('refuses unknown names with the valid ones (exit 3)', async () => {
    expect(await codeOf(resolveTarget('nope'))).toMatch(/^E_UNKNOWN_NAME unknown target 'nope': choose one of: raft-kv, chain-kv, memory/)
    expect(await codeOf(resolveWorkload('bnak'))).toMatch(/^E_UNKNOWN_NAME unknown workload 'bnak': choose one of: register, set, bank, counter, unique-ids, queue, long-fork/)
  })

  it('loads a workload module by path, and refuses a module that is not what was asked for', async () => {
    const path = 'test/fixtures/workloads/txn-workload.mjs'
    expect((await resolveWorkload(path)).operations).toEqual(['read', 'txn'])
    expect(await codeOf(resolveTarget(path))).toMatch(/^E_USAGE .* does not export a target: export default defineTarget\(\{ name, operations,/)
    expect(await codeOf(resolveWorkload('./missing.mjs'))).toMatch(/^E_NOT_FOUND no workload file at/)
  })
})
