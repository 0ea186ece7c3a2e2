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
    const ca = await memoryTarget.client({ node: 'n1', address: 'x', workload: 'register', cluster: a, process: 0 })
    const cb = await memoryTarget.client({ node: 'n1', address: 'x', workload: 'register', cluster: b, process: 0 })
    expect(await ca.invoke(op('write', ['k', 1]), signal)).toMatchObject({ type: 'ok' })
    expect(await ca.invoke(op('read', ['k', null]), signal)).toMatchObject({ type: 'ok', value: ['k', 1] })
    expect(await cb.invoke(op('read', ['k', null]), signal)).toMatchObject({ type: 'ok', value: ['k', null] })
    expect(await cb.invoke(op('cas', ['k', [1, 2]]), signal)).toMatchObject({ type: 'fail', error: 'cas-mismatch' })
    await memoryTarget.teardown(a)
    expect(() => memoryTarget.client({ node: 'n1', address: 'x', workload: 'register', cluster: a, process: 1 })).toThrow(/not set up for run a/)
    await memoryTarget.teardown(b)
  })
})
