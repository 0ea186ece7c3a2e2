/**
 * npm run bench -- cluster
 *
 * The Docker runtime's own costs, on a real engine (images cached beforehand):
 * 1. a 5-node cluster from `createCluster` to every node answering an exec
 *    (target ≤ 3 s), and its destroy;
 * 2. preparing the nodes for network faults (DSTEST chain + INPUT jump, done
 *    by the nemesis setup before the test starts);
 * 3. a partition (random halves) applied on all 5 nodes (target ≤ 100 ms);
 * 4. heal (flush DSTEST on all 5 nodes), and a full heal (also removing the
 *    root qdisc on all 5), likewise.
 * Each figure is the median of its runs. Prints one JSON document.
 */
import { ensureBaseImage } from '../control/docker/image.js'
import { Engine } from '../control/docker/engine.js'
import { DockerRuntime } from '../control/docker/runtime.js'
import { Random } from '../core/random.js'
import { randomHalves } from '../nemesis/grudge.js'
import { NetState } from '../nemesis/net.js'

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 3)
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 10)

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const round = (x: number): number => Math.round(x * 10) / 10

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const value = await f()
  return [value, performance.now() - t0]
}

async function main(): Promise<void> {
  const engine = await Engine.connect()
  const version = await engine.version()
  await ensureBaseImage(engine) // build once if needed: the figures are for a cached image
  const [, imageCachedMs] = await timed(() => ensureBaseImage(engine))
  const runtime = new DockerRuntime()
  const ready: number[] = []
  const destroy: number[] = []
  const prepare: number[] = []
  const fullHeal: number[] = []
  const partition: number[] = []
  const heal: number[] = []
  const runId = (i: number): string => `bench-${process.pid}-${i}`
  try {
    for (let i = 0; i < CLUSTERS; i++) {
      const [cluster, ms] = await timed(() => runtime.createCluster({ runId: runId(i), nodes: 5 }))
      ready.push(ms)
      try {
        const net = new NetState(cluster)
        const nodes = cluster.nodes.map((n) => n.name)
        const random = new Random(i)
        prepare.push((await timed(() => net.prepare()))[1])
        for (let k = 0; k < PARTITIONS; k++) {
          partition.push((await timed(() => net.setGrudge(randomHalves(nodes, random))))[1])
          heal.push((await timed(() => net.heal()))[1])
        }
        await net.setGrudge(randomHalves(nodes, random))
        fullHeal.push((await timed(() => net.heal(true)))[1])
      } finally {
        const [, d] = await timed(() => cluster.destroy())
        destroy.push(d)
      }
    }
  } finally {
    await runtime.cleanup({ runId: runId(0) }).catch(() => undefined)
    for (let i = 1; i < CLUSTERS; i++) await runtime.cleanup({ runId: runId(i) }).catch(() => undefined)
  }
  console.log(
    JSON.stringify(
      {
        benchmark: 'cluster',
        engine: version.version,
        nodes: 5,
        runs: { clusters: CLUSTERS, partitionsPerCluster: PARTITIONS },
        imageCachedMs: round(imageCachedMs),
        clusterReadyMs: { median: round(median(ready)), all: ready.map(round), target: 3000 },
        clusterDestroyMs: { median: round(median(destroy)) },
        prepareMs: { median: round(median(prepare)) },
        partitionMs: { median: round(median(partition)), max: round(Math.max(...partition)), target: 100 },
        healMs: { median: round(median(heal)), max: round(Math.max(...heal)), target: 100 },
        fullHealMs: { median: round(median(fullHeal)), target: 100 },
      },
      null,
      2,
    ),
  )
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(4)
})
