import { afterAll, beforeAll, expect, it } from 'vitest'
import type { DockerCluster } from '../../../control/docker/cluster.js'
import { DockerRuntime } from '../../../control/docker/runtime.js'
import { isDstestError } from '../../../core/errors.js'
import { Random } from '../../../core/random.js'
import type { Invocation } from '../../../core/generator/types.js'
import { packetNemesis, probeNetem } from '../../../nemesis/packet.js'
import { describeEngine, runIdFor } from './helpers.js'

const op = (f: string, value: unknown = null): Invocation => ({ type: 'invoke', f, value, process: 'nemesis', time: 0 })

/** Counts UDP datagrams for `ms`, then prints the count. */
const UDP_SINK = `
const s = require('dgram').createSocket('udp4'); let n = 0
s.on('message', () => n++); s.bind(7001, () => console.log('ready'))
setTimeout(() => { console.log(n); s.close() }, Number(process.argv[1]))`
/** Sends N datagrams to an address, 1 ms apart. */
const UDP_SEND = `
const s = require('dgram').createSocket('udp4'); const [host, count] = process.argv.slice(1); let i = 0
const t = setInterval(() => { s.send('x', 7001, host); if (++i >= Number(count)) { clearInterval(t); setTimeout(() => s.close(), 50) } }, 1)`
/** Sends `bytes` over TCP to the sink and prints the ms it took until the sink confirmed. */
const TCP_SINK = `require('net').createServer((s) => { let n = 0; s.on('data', (d) => { n += d.length }); s.on('end', () => s.end(String(n))) }).listen(7002)`
const TCP_SEND = `
const [host, bytes] = process.argv.slice(1); const t0 = Date.now()
const s = require('net').connect(7002, host, () => s.end(Buffer.alloc(Number(bytes))))
let got = ''; s.on('data', (d) => { got += d }); s.on('end', () => console.log(JSON.stringify({ ms: Date.now() - t0, got })))`

describeEngine('packet faults on a real cluster', () => {
  const runtime = new DockerRuntime()
  let cluster: DockerCluster

  beforeAll(async () => {
    cluster = await runtime.createCluster({ runId: runIdFor('packet'), nodes: 3 })
  })
  afterAll(async () => {
    await cluster?.destroy()
  })

  const delivered = async (count: number): Promise<number> => {
    const sink = cluster.remote('n2').exec(['node', '-e', UDP_SINK, String(count + 1500)], { timeoutMs: 15_000 })
    await new Promise((r) => setTimeout(r, 400))
    await cluster.remote('n1').exec(['node', '-e', UDP_SEND, cluster.node('n2').address, String(count)], { timeoutMs: 15_000 })
    const out = (await sink).stdout.trim().split('\n')
    return Number(out[out.length - 1])
  }

  it('30% loss drops 20-40% of 400 datagrams from peers, and stop-packet ends it', async () => {
    const nemesis = packetNemesis({ loss: 0.3 })
    await nemesis.setup!({ cluster, random: new Random(1) })
    const started = await nemesis.invoke(op('start-packet', { nodes: ['n2'] }))
    expect(started).toEqual({ type: 'ok', value: { nodes: ['n2'], loss: 0.3 } })
    const lossRate = 1 - (await delivered(400)) / 400
    expect(lossRate).toBeGreaterThanOrEqual(0.2)
    expect(lossRate).toBeLessThanOrEqual(0.4)
    await nemesis.invoke(op('stop-packet'))
    expect(await delivered(200)).toBeGreaterThanOrEqual(198)
    await nemesis.heal()
  })

  it('a bandwidth limit (tc tbf) slows a 1 MB transfer', async () => {
    await cluster.remote('n2').exec(['node', '-e', TCP_SINK], { detach: true })
    await new Promise((r) => setTimeout(r, 300))
    const send = async (): Promise<number> => {
      const r = await cluster.remote('n1').exec(['node', '-e', TCP_SEND, cluster.node('n2').address, String(1 << 20)], { timeoutMs: 20_000 })
      const res = JSON.parse(r.stdout) as { ms: number; got: string }
      expect(res.got).toBe(String(1 << 20))
      return res.ms
    }
    const fast = await send()
    const nemesis = packetNemesis({ rateKbit: 4000 })
    await nemesis.setup!({ cluster, random: new Random(1) })
    await nemesis.invoke(op('start-packet', { nodes: ['n1'] }))
    const shown = await cluster.netExec('n1', ['tc', 'qdisc', 'show', 'dev', 'eth0'])
    expect(shown.stdout).toMatch(/tbf/)
    const slow = await send()
    // 8 Mbit at 4 Mbit/s: about 2 s (the bucket lets the first part through at once).
    expect(slow).toBeGreaterThan(1200)
    expect(slow).toBeGreaterThan(fast * 5)
    await nemesis.heal()
    expect((await cluster.netExec('n1', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout).not.toMatch(/tbf/)
    expect(await send()).toBeLessThan(1000)
  })

  it('delay needs netem: refused before the test when the kernel lacks it, applied when it has it', async () => {
    const support = await probeNetem(cluster)
    const nemesis = packetNemesis({ delayMs: 50 })
    if (!support.available) {
      const err = await nemesis.setup!({ cluster, random: new Random(1) }).then(() => undefined, (e: unknown) => e)
      expect(isDstestError(err) && err.code).toBe('E_UNSUPPORTED')
      expect(String((err as Error).message)).toMatch(/netem/)
    } else {
      await nemesis.setup!({ cluster, random: new Random(1) })
      await nemesis.invoke(op('start-packet', { nodes: ['n1'] }))
      expect((await cluster.netExec('n1', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout).toMatch(/netem/)
      await nemesis.heal()
    }
  })
})
