import { describe, expect, it } from 'vitest'
import { memoryRuntime } from '../../../../control/memory/runtime.js'
import { memoryTarget } from '../../../../targets/memory/index.js'
import type { Invocation } from '../../../../core/generator/types.js'

const op = (f: string, value: unknown): Invocation => ({ type: 'invoke', f, value, process: 0, time: 0 })
const signal = new AbortController().signal

describe('memory target', () => {
  it('keeps one store per run, so runs in one process do not see each other', async () => {
    const runtime = memoryRuntime()
    const a = await runtime.createCluster({ runId: 'a', nodes: 3 })
    const b = await runtime.createCluster({ runId: 'b', nodes: 3 })
    await memoryTarget.setup(a, { options: {} })
    await memoryTarget.setup(b, { options: {} })
    const ca = await memoryTarget.client({ node: 'n1', address: 'x', workload: 'register', cluster: a, process: 0, bug: undefined, targetOptions: {}, opTimeoutMs: 5000 })
    const cb = await memoryTarget.client({ node: 'n1', address: 'x', workload: 'register', cluster: b, process: 0, bug: undefined, targetOptions: {}, opTimeoutMs: 5000 })
    expect(await ca.invoke(op('write', ['k', 1]), signal)).toMatchObject({ type: 'ok' })
    expect(await ca.invoke(op('read', ['k', null]), signal)).toMatchObject({ type: 'ok', value: ['k', 1] })
    expect(await cb.invoke(op('read', ['k', null]), signal)).toMatchObject({ type: 'ok', value: ['k', null] })
    expect(await cb.invoke(op('cas', ['k', [1, 2]]), signal)).toMatchObject({ type: 'fail', error: 'cas-mismatch' })
    await memoryTarget.teardown(a)
    expect(() => memoryTarget.client({ node: 'n1', address: 'x', workload: 'register', cluster: a, process: 1, bug: undefined, targetOptions: {}, opTimeoutMs: 5000 })).toThrow(/not set up for run a/)
    await memoryTarget.teardown(b)
  })
})

describe('memory target: bug modes and workloads', () => {
  it('refuses a bug that breaks another workload than the one run, before the test starts', async () => {
    const c = await memoryRuntime().createCluster({ runId: 'fit', nodes: 1 })
    await expect(memoryTarget.setup(c, { bug: 'lost-add', options: {}, workload: { name: 'bank', options: {} } })).rejects.toMatchObject({
      code: 'E_USAGE',
      message: "bug 'lost-add' of target memory breaks the set workload, not bank",
      fix: 'run it with --workload set',
    })
    await expect(memoryTarget.setup(c, { bug: 'read-committed', options: {}, workload: { name: 'set', options: {} } })).rejects.toMatchObject({
      message: "bug 'read-committed' of target memory breaks the list-append and rw-register workloads, not set",
      fix: 'run it with --workload list-append or rw-register',
    })
    await expect(memoryTarget.setup(c, { options: {}, workload: { name: 'bank', options: { accounts: 0 } } })).rejects.toThrow(/bank workload: option accounts must be an integer from 2 to 1000/)
    await memoryTarget.teardown(c)
  })

  it('names the workload of every bug in its description', () => {
    for (const [bug, description] of Object.entries(memoryTarget.bugs)) {
      const names = `(${memoryTarget.workloads.join('|')})`
      expect(description, bug).toMatch(new RegExp(`^(${names} workload|${names} and ${names} workloads): `))
    }
  })
})
