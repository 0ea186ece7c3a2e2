/**
 * The raft-kv target definition, without Docker: what it declares, the argv it
 * starts nodes with, and that its image layer holds a self-contained server.
 */
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../control/remote.js'
import { isCopiedFile } from '../../../../control/image/layer.js'
import { hasKill, hasPause, hasLogFiles, hasPrimaries, hasImage } from '../../../../targets/target.js'
import { RaftKvClient } from '../../../../targets/raft-kv/client.js'
import raftKv, { LOG_FILE, server, SERVER_DIR } from '../../../../targets/raft-kv/index.js'
import { BUGS } from '../../../../targets/raft-kv/server/bugs.js'
import { settlingQueueWorkload } from '../../../../workloads/queue.js'
import { expectSelfContainedLayer } from '../image-layer.js'
import { requireBuiltServer } from './cluster.js'

/** A cluster description only: these tests never run a command on a node. */
const clusterOf = (n: number): Cluster => ({
  runId: 'test',
  root: '/',
  nodes: Array.from({ length: n }, (_, i) => ({ name: `n${i + 1}`, address: `10.0.0.${i + 2}` })),
  remote: () => {
    throw new Error('no remote in this test')
  },
  destroy: async () => {},
})

describe('raft-kv target', () => {
  it('declares its bug modes and capabilities', () => {
    expect(raftKv.name).toBe('raft-kv')
    expect(Object.keys(raftKv.bugs ?? {})).toEqual(['stale-read', 'lease-read', 'no-fsync', 'no-vote-persist', 'split-transfer', 'early-dequeue', 'torn-read', 'local-ids', 'txn-local-read'])
    expect(raftKv.bugs).toBe(BUGS)
    expect(raftKv.workloads).toEqual(['register', 'set', 'bank', 'counter', 'unique-ids', settlingQueueWorkload, 'long-fork', 'list-append', 'rw-register'])
    expect([hasKill(raftKv), hasPause(raftKv), hasLogFiles(raftKv), hasPrimaries(raftKv), hasImage(raftKv)]).toEqual([true, true, true, true, true])
    expect(raftKv.logFiles('n1')).toEqual([LOG_FILE])
    // Its processes start under libfaketime: clock faults reach it.
    expect(raftKv.clock).toBe('faketime')
    expect(server.process.plan(clusterOf(3), 'n1').env).toMatchObject({ LD_PRELOAD: expect.stringContaining('libfaketime') })
  })

  it('starts each node with every peer and the bug', () => {
    expect(server.argv(clusterOf(3), 'n2', 'no-fsync')).toEqual([
      'node',
      `${SERVER_DIR}/main.js`,
      ...['--id', 'n2', '--peers', 'n1=10.0.0.2:7000,n2=10.0.0.3:7000,n3=10.0.0.4:7000', '--listen', '0.0.0.0:7000'],
      ...['--data', '/var/lib/raft-kv', '--log', LOG_FILE, '--bug', 'no-fsync'],
    ])
    expect(server.argv(clusterOf(1), 'n1', undefined)).not.toContain('--bug')
  })

  it('refuses an unknown bug before touching any node', async () => {
    await expect(raftKv.setup(clusterOf(3), { bug: 'nope', options: {} })).rejects.toMatchObject({ code: 'E_UNKNOWN_NAME' })
  })

  it('gives a keep-alive HTTP client per process', async () => {
    const c = await raftKv.client({ node: 'n1', address: '10.0.0.2', workload: 'register', cluster: clusterOf(3), process: 0, bug: undefined, targetOptions: {}, opTimeoutMs: 5000 })
    expect(c).toBeInstanceOf(RaftKvClient)
    await c.close?.()
  })

  it('ships a self-contained compiled server in its image layer: its own folder and server-kit', async () => {
    requireBuiltServer()
    const layer = await raftKv.imageLayer()
    expect(layer.name).toBe('raft-kv')
    expect((layer.files ?? []).filter(isCopiedFile).map((f) => f.to)).toContain(`${SERVER_DIR}/main.js`)
    expectSelfContainedLayer(layer, 'raft-kv')
  })
})
