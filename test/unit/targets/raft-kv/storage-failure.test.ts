/**
 * A server error is indefinite: when the leader's storage fails after it took
 * a write into its log (a real failed write, ../storage-failure.ts), the node
 * answers HTTP 500 'internal' and stops, and the client records `info`, never
 * `fail`: the entry was already in the leader's log, and in a larger cluster
 * its followers could commit it.
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { RaftKvClient } from '../../../../targets/raft-kv/client.js'
import { exitCode, hasPrlimit, LAUNCHER, tooLarge } from '../storage-failure.js'
import { TestCluster } from './cluster.js'

let cluster: TestCluster | undefined
let client: RaftKvClient | undefined
afterEach(async () => {
  await client?.close()
  await cluster?.close()
  cluster = client = undefined
})

const invoke = (c: RaftKvClient, f: string, value: unknown) => c.invoke({ type: 'invoke', f, value, process: 0, time: 0 }, AbortSignal.timeout(5000))

describe.skipIf(!hasPrlimit)(`raft-kv storage failure${hasPrlimit ? '' : ' (skipped: no prlimit to limit file sizes)'}`, () => {
  it('records info for a write whose log append failed on a full disk, and the node stops', async () => {
    cluster = await TestCluster.start(1, { launcher: LAUNCHER })
    await cluster.waitForLeader()
    client = new RaftKvClient({ node: 'n1', address: cluster.node('n1').address })
    expect(await invoke(client, 'write', ['k', 'small'])).toMatchObject({ type: 'ok' })
    const done = await invoke(client, 'write', ['k', tooLarge()])
    expect(done).toMatchObject({ type: 'info', node: 'n1', error: 'internal' })
    expect(await exitCode(cluster.node('n1').proc)).toBe(1)
    expect(readFileSync(cluster.node('n1').log, 'utf8')).toMatch(/storage failed, stopping: .*log\.jsonl: EFBIG/)
  })
})
