/** The chain-kv target definition: argv, image layer (compiled files, dist layout kept), capabilities, bugs. */
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../control/remote.js'
import { isCopiedFile } from '../../../../control/image/layer.js'
import { hasKill, hasPause, hasImage, hasLogFiles, hasPrimaries } from '../../../../targets/target.js'
import { chainKvTarget, server } from '../../../../targets/chain-kv/index.js'
import { NODE_TARGETS_DIR as TARGETS_DIR, serverFiles } from '../../../../targets/node-server.js'
import { BUGS } from '../../../../targets/chain-kv/server/bugs.js'
import { settlingQueueWorkload } from '../../../../workloads/queue.js'
import { parseArgs } from '../../../../targets/chain-kv/server/args.js'
import { expectSelfContainedLayer } from '../image-layer.js'
import { requireBuiltServer } from './cluster.js'

const cluster = {
  runId: 'r1',
  root: '/',
  nodes: [
    { name: 'n1', address: '10.0.0.2' },
    { name: 'n2', address: '10.0.0.3' },
  ],
} as unknown as Cluster

const t = () => chainKvTarget

describe('chain-kv target', () => {
  it('has every capability and names its bugs', () => {
    const t = chainKvTarget
    expect([hasKill(t), hasPause(t), hasLogFiles(t), hasPrimaries(t), hasImage(t)]).toEqual([true, true, true, true, true])
    expect(Object.keys(t.bugs ?? {}).sort()).toEqual(['early-ack', 'no-fence', 'read-any'])
    expect(t.bugs).toBe(BUGS)
    expect(t.logFiles('n1')).toEqual(['/var/log/chain-kv.log'])
    expect(t.clock).toBe('faketime')
  })

  it('reads from the tail, or from its own node under bug read-any (the bug reaches the client through its context)', async () => {
    const context = { node: 'n1', address: '10.0.0.2', workload: 'register', cluster, process: 0, targetOptions: {}, opTimeoutMs: 5000 }
    const correct = (await t().client({ ...context, bug: undefined })) as unknown as { options: { readAt: string } }
    const readAny = (await t().client({ ...context, bug: 'read-any' })) as unknown as { options: { readAt: string } }
    expect([correct.options.readAt, readAny.options.readAt]).toEqual(['tail', 'own-node'])
  })

  it('runs every workload but long-fork, the transactional ones on its txn command', () => {
    expect(chainKvTarget.workloads).toEqual(['register', 'set', 'bank', 'counter', 'unique-ids', settlingQueueWorkload, 'list-append', 'rw-register'])
    expect(chainKvTarget.operations).toContain('txn')
  })

  it('starts the server with every peer in chain order, and the server accepts that argv', () => {
    const argv = server.argv(cluster, 'n2', 'early-ack')
    expect(argv.slice(0, 2)).toEqual(['node', '/opt/dstest/targets/chain-kv/server/main.js'])
    const config = parseArgs(argv.slice(2))
    expect([...config.peers.entries()]).toEqual([
      ['n1', '10.0.0.2:7100'],
      ['n2', '10.0.0.3:7100'],
    ])
    expect(config).toMatchObject({ id: 'n2', bug: 'early-ack', listen: { host: '0.0.0.0', port: 7100 }, data: '/var/lib/chain-kv' })
    expect(() => parseArgs([...argv.slice(2), '--lease-ms', '2000'])).toThrow(/lease-ms must be shorter/)
  })

  it('ships its compiled server folder and the shared server-kit, nothing of another target, under /opt/dstest/targets', async () => {
    requireBuiltServer()
    const files = serverFiles('chain-kv')
    expect(files).toContain('chain-kv/server/main.js')
    expect(files).toContain('server-kit/raft/raft.js')
    expect(files.filter((f) => !f.startsWith('chain-kv/server/') && !f.startsWith('server-kit/'))).toEqual([])
    expect(files.every((f) => f.endsWith('.js'))).toBe(true)
    const layer = await chainKvTarget.imageLayer()
    expect(layer.name).toBe('chain-kv')
    expect((layer.files ?? []).filter(isCopiedFile).map((f) => f.to)).toEqual(files.map((f) => `${TARGETS_DIR}/${f}`))
    expectSelfContainedLayer(layer, 'chain-kv')
  })
})
