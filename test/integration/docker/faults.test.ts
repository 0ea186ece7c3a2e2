import { afterAll, beforeAll, expect, it } from 'vitest'
import type { DockerCluster } from '../../../control/docker/cluster.js'
import { DockerRuntime } from '../../../control/docker/runtime.js'
import { faketimeEnv } from '../../../control/faketime.js'
import { Random } from '../../../core/random.js'
import type { Invocation } from '../../../core/generator/types.js'
import { clockNemesis } from '../../../nemesis/clock.js'
import { netStateOf } from '../../../nemesis/net.js'
import { killNemesis, pauseNemesis, type TargetProcessControl } from '../../../nemesis/process.js'
import { describeEngine, reach, runIdFor, startProbeServers } from './helpers.js'

const op = (f: string, value: unknown = null): Invocation => ({ type: 'invoke', f, value, process: 'nemesis', time: 0 })

describeEngine('clock, kill and pause faults on a real cluster', () => {
  const runtime = new DockerRuntime()
  let cluster: DockerCluster

  beforeAll(async () => {
    cluster = await runtime.createCluster({ runId: runIdFor('faults'), nodes: 3 })
    await startProbeServers(cluster)
  })
  afterAll(async () => {
    await cluster?.destroy()
  })

  it('a process started with faketimeEnv sees its clock move when the offset file changes', async () => {
    const remote = cluster.remote('n1')
    // Writes its Date.now() every 20 ms: one process, never restarted.
    await remote.exec(['node', '-e', "setInterval(() => require('fs').writeFileSync('/tmp/now.tmp', String(Date.now())) || require('fs').renameSync('/tmp/now.tmp', '/tmp/now'), 20)"], {
      detach: true,
      env: faketimeEnv(),
    })
    /**
     * The process's clock minus ours, once it is within 1 s of `expected`:
     * waits (up to 15 s) for the file to exist and for the process, which may
     * be slow to start or to run on a loaded machine, to write a value seen
     * through the new offset. Returns the last skew seen, for the assertion.
     */
    const skewNear = async (expected: number): Promise<number> => {
      const deadline = Date.now() + 15_000
      for (;;) {
        const r = await remote.exec(['cat', '/tmp/now'])
        const skew = r.exitCode === 0 && r.stdout.trim() !== '' ? Number(r.stdout) - Date.now() : Number.NaN
        if (Math.abs(skew - expected) < 1000 || Date.now() > deadline) return skew
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    const skew = (): Promise<number> => skewNear(0)
    expect(Math.abs(await skew())).toBeLessThan(1000)
    const nemesis = clockNemesis()
    await nemesis.setup!({ cluster, random: new Random(1) })
    const bumped = await nemesis.invoke(op('bump-clock', { deltas: { n1: 60_000 } }))
    expect(bumped).toEqual({ type: 'ok', value: { offsets: { n1: 60_000 } } })
    expect(Math.abs((await skewNear(60_000)) - 60_000)).toBeLessThan(1000)
    await nemesis.invoke(op('bump-clock', { nodes: ['n1'], deltaMs: -180_000 }))
    expect(Math.abs((await skewNear(-120_000)) + 120_000)).toBeLessThan(1000)
    const strobe = await nemesis.invoke(op('strobe-clock', { nodes: ['n1'], deltaMs: 10_000, periodMs: 50, durationMs: 300 }))
    expect(strobe.type).toBe('ok')
    expect((strobe.value as { flips: number }).flips).toBeGreaterThanOrEqual(3)
    expect(Math.abs((await skewNear(-120_000)) + 120_000)).toBeLessThan(1000)
    await nemesis.heal()
    expect(Math.abs(await skew())).toBeLessThan(1000)
  })

  it('kill via the engine stops the node; start brings it back with its partition re-applied', async () => {
    const net = netStateOf(cluster)
    await net.setGrudge({ n2: ['n1'], n1: ['n2'] })
    const nemesis = killNemesis()
    await nemesis.setup!({ cluster, random: new Random(1) })
    const killed = await nemesis.invoke(op('kill', { nodes: ['n2'] }))
    expect(killed).toEqual({ type: 'ok', value: { killed: ['n2'], via: 'engine' } })
    expect(await cluster.nodeState('n2')).toBe('stopped')
    expect(await reach(cluster, 'n3', ['n2'])).toEqual({ n2: false })
    const started = await nemesis.invoke(op('start'))
    expect(started).toEqual({ type: 'ok', value: { started: ['n2'], via: 'engine' } })
    expect(await cluster.nodeState('n2')).toBe('running')
    const rules = await cluster.netExec('n2', ['iptables', '-S', 'DSTEST'])
    expect(rules.stdout).toContain(`-A DSTEST -s ${cluster.node('n1').address}/32 -j DROP`)
    await net.heal()
    // The engine's restart brought back only the container; the probe server is ours to restart.
    await startProbeServers(cluster)
    expect(await reach(cluster, 'n1', ['n2', 'n3'])).toEqual({ n2: true, n3: true })
    await nemesis.heal() // nothing left to start: idempotent
  })

  it("kill through the target's own kill/start (signals to its process)", async () => {
    const remote = cluster.remote('n3')
    const pidOf = async (): Promise<string> => (await remote.exec(['cat', '/tmp/target.pid'])).stdout.trim()
    const alive = async (): Promise<boolean> => (await remote.exec(['sh', '-c', 'kill -0 "$1"', 'sh', await pidOf()])).exitCode === 0
    const target: TargetProcessControl = {
      async start(c, node) {
        await c.remote(node).exec(['node', '-e', "require('fs').writeFileSync('/tmp/target.pid', String(process.pid)); setInterval(() => {}, 1e9)"], { detach: true })
        await new Promise((r) => setTimeout(r, 300))
      },
      async kill(c, node) {
        await c.remote(node).exec(['sh', '-c', 'kill -9 "$1"', 'sh', await pidOf()])
      },
    }
    await target.start!(cluster, 'n3')
    expect(await alive()).toBe(true)
    const nemesis = killNemesis(target)
    await nemesis.setup!({ cluster, random: new Random(1) })
    expect(await nemesis.invoke(op('kill', { nodes: ['n3'] }))).toEqual({ type: 'ok', value: { killed: ['n3'], via: 'target' } })
    await new Promise((r) => setTimeout(r, 100))
    expect(await alive()).toBe(false)
    expect(await cluster.nodeState('n3')).toBe('running')
    await nemesis.heal()
    expect(await alive()).toBe(true)
  })

  it('pause freezes a node (it stops answering) and resume thaws it', async () => {
    const nemesis = pauseNemesis()
    await nemesis.setup!({ cluster, random: new Random(1) })
    expect(await nemesis.invoke(op('pause', { nodes: ['n3'] }))).toEqual({ type: 'ok', value: { paused: ['n3'], via: 'engine' } })
    expect(await cluster.nodeState('n3')).toBe('paused')
    expect(await reach(cluster, 'n1', ['n3'])).toEqual({ n3: false })
    // Network rules still apply to a paused node (nsenter needs no process in it to run).
    const net = netStateOf(cluster)
    await net.setGrudge({ n3: ['n1'] })
    await net.heal()
    await nemesis.heal()
    expect(await cluster.nodeState('n3')).toBe('running')
    expect(await reach(cluster, 'n1', ['n3'])).toEqual({ n3: true })
  })

  it('network faults also work through `docker exec` (no nsenter), with the image\'s own iptables', async () => {
    const viaExec = await new DockerRuntime({ netVia: 'exec' }).createCluster({ runId: runIdFor('exec'), nodes: 2 })
    try {
      await startProbeServers(viaExec)
      const net = netStateOf(viaExec)
      await net.prepare()
      await net.setGrudge({ n1: ['n2'], n2: ['n1'] })
      expect(viaExec.viaNsenter).toBe(false)
      expect(await reach(viaExec, 'n1', ['n2'])).toEqual({ n2: false })
      await net.heal(true)
      expect(await reach(viaExec, 'n1', ['n2'])).toEqual({ n2: true })
    } finally {
      await viaExec.destroy()
    }
  })
})
