/**
 * A server error is indefinite: when the head's storage fails after it applied
 * and ordered a write (a real failed write, ../storage-failure.ts), the node
 * answers HTTP 500 'internal' and stops, and the client records `info`, never
 * `fail`: the update was already in the head's store and its Sent list.
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { ChainKvClient } from '../../../../targets/chain-kv/client.js'
import { exitCode, hasPrlimit, LAUNCHER, tooLarge } from '../storage-failure.js'
import { TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
let client: ChainKvClient | undefined
afterEach(async () => {
  await client?.close()
  await cluster?.close()
  cluster = client = undefined
})

const invoke = (c: ChainKvClient, f: string, value: unknown) => c.invoke({ type: 'invoke', f, value, process: 0, time: 0 }, AbortSignal.timeout(5000))

describe.skipIf(!hasPrlimit)(`chain-kv storage failure${hasPrlimit ? '' : ' (skipped: no prlimit to limit file sizes)'}`, () => {
  it('records info for a write whose update could not be written on a full disk, and the node stops', async () => {
    cluster = await TestCluster.start(1, { launcher: LAUNCHER })
    await cluster.waitForChain(['n1'], (s) => s.chain.length === 1)
    client = new ChainKvClient({ node: 'n1', nodes: [{ name: 'n1', address: cluster.node('n1').address }] })
    expect(await invoke(client, 'write', ['k', 'small'])).toMatchObject({ type: 'ok' })
    const done = await invoke(client, 'write', ['k', tooLarge()])
    expect(done).toMatchObject({ type: 'info', node: 'n1', error: 'internal' })
    expect(await exitCode(cluster.node('n1').proc)).toBe(1)
    expect(readFileSync(cluster.node('n1').log, 'utf8')).toMatch(/storage failed, stopping: .*updates\.jsonl: EFBIG/)
  })
})
