import { afterAll, beforeAll, expect, it } from 'vitest'
import type { DockerCluster } from '../../../control/docker/cluster.js'
import { DockerRuntime } from '../../../control/docker/runtime.js'
import { Random } from '../../../core/random.js'
import { connected, grudgeFor, TOPOLOGIES, type Grudge } from '../../../nemesis/grudge.js'
import { netStateOf } from '../../../nemesis/net.js'
import { partitionNemesis } from '../../../nemesis/partition.js'
import { buildNemesis, planSchedule } from '../../../nemesis/index.js'
import { describeEngine, matrix, runIdFor, startProbeServers } from './helpers.js'

describeEngine('partitions on a real 5-node cluster', () => {
  const runtime = new DockerRuntime()
  let cluster: DockerCluster
  const names = ['n1', 'n2', 'n3', 'n4', 'n5']

  beforeAll(async () => {
    cluster = await runtime.createCluster({ runId: runIdFor('partition'), nodes: 5 })
    await startProbeServers(cluster)
  })
  afterAll(async () => {
    await cluster?.destroy()
  })

  const expectMatrix = async (grudge: Grudge): Promise<void> => {
    const seen = await matrix(cluster)
    for (const a of names) for (const b of names) expect([a, b, seen[a]![b]]).toEqual([a, b, connected(grudge, a, b)])
  }

  for (const topology of TOPOLOGIES) {
    it(`${topology}: connectivity follows the grudge, then heals`, async () => {
      const nemesis = partitionNemesis()
      await nemesis.setup!({ cluster, random: new Random(7), primaries: async () => ['n2'] })
      const grudge = grudgeFor(topology, names, new Random(topology.length), ['n2'])
      const done = await nemesis.invoke({ type: 'invoke', f: 'start-partition', value: { topology, grudge }, process: 'nemesis', time: 0 })
      expect(done.type).toBe('ok')
      expect(Object.values(grudge).some((d) => d.length > 0)).toBe(true)
      await expectMatrix(grudge)
      await nemesis.heal()
      await expectMatrix({})
    })
  }

  it('a topology drawn at invoke time (primaries) is reported in the completion', async () => {
    const nemesis = partitionNemesis()
    await nemesis.setup!({ cluster, random: new Random(1), primaries: async () => ['n4'] })
    const done = await nemesis.invoke({ type: 'invoke', f: 'start-partition', value: { topology: 'primaries' }, process: 'nemesis', time: 0 })
    expect(done).toMatchObject({ type: 'ok', value: { topology: 'primaries', grudge: { n4: ['n1', 'n2', 'n3', 'n5'] } } })
    await expectMatrix((done.value as { grudge: Grudge }).grudge)
    const stop = await nemesis.invoke({ type: 'invoke', f: 'stop-partition', value: null, process: 'nemesis', time: 0 })
    expect(stop.type).toBe('ok')
    await expectMatrix({})
  })

  it('heal flushes only the DSTEST chain and is idempotent', async () => {
    await cluster.netExec('n1', ['iptables', '-A', 'INPUT', '-s', '192.0.2.1', '-j', 'DROP'])
    const net = netStateOf(cluster)
    await net.setGrudge({ n1: ['n2'] })
    await net.heal()
    await net.heal()
    const rules = await cluster.netExec('n1', ['iptables', '-S'])
    expect(rules.stdout).toContain('-A INPUT -s 192.0.2.1/32 -j DROP')
    expect(rules.stdout).not.toMatch(/-A DSTEST/)
    await cluster.netExec('n1', ['iptables', '-D', 'INPUT', '-s', '192.0.2.1', '-j', 'DROP'])
  })

  it('a built package applies its planned faults (overlapping kinds) and one heal undoes them all', async () => {
    const kinds = ['partition', 'packet', 'clock'] as const
    const options = { interval: 1, targets: 'majority' as const, packet: { loss: 0.5 } }
    const plan = planSchedule(kinds, options, { seed: 5, timeLimitSeconds: 30, nodes: names })
    const pkg = buildNemesis(kinds, options, { cluster, random: new Random(5) })
    await pkg.nemesis.setup!({ cluster, random: new Random(5) })
    for (const op of plan.slice(0, 8)) {
      const value = op.f === 'strobe-clock' ? { ...(op.value as object), durationMs: 200 } : op.value
      const done = await pkg.nemesis.invoke({ type: 'invoke', f: op.f, value, process: 'nemesis', time: op.time })
      expect([op.f, done.type]).toEqual([op.f, 'ok'])
    }
    await pkg.nemesis.heal()
    await pkg.nemesis.heal()
    await expectMatrix({})
    for (const n of names) {
      expect((await cluster.netExec(n, ['iptables', '-S', 'DSTEST'])).stdout.trim()).toBe('-N DSTEST')
      expect((await cluster.remote(n).exec(['cat', '/dstest/control/faketime'])).stdout).toBe('+0.000\n')
    }
  })
})
