/**
 * npm run bench -- runner
 *
 * 1. The runner against the in-process memory target, concurrency 10, no rate
 *    limit, every op written to history.jsonl: ops/s (target ≥ 50,000, so the
 *    harness is never what limits a test).
 * 2. Reading history.jsonl back: ops parsed per second (target ≥ 1,000,000).
 * Prints one JSON document.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HistoryWriter, readHistoryJsonl } from '../core/history/jsonl.js'
import { Random } from '../core/random.js'
import { runGenerator } from '../core/runner.js'
import { limit } from '../core/generator/index.js'
import { memoryTarget } from '../targets/memory/index.js'
import { registerWorkload } from '../workloads/register.js'
import { memoryRuntime } from '../control/memory/runtime.js'

const OPS = Number(process.env.BENCH_OPS ?? 300_000)
const CONCURRENCY = 10

async function runnerBench(dir: string): Promise<{ ops: number; seconds: number; opsPerSecond: number; file: string; bytes: number }> {
  const cluster = await memoryRuntime().createCluster({ runId: 'bench', nodes: 5 })
  await memoryTarget.setup(cluster, { options: {} })
  const file = join(dir, 'history.jsonl')
  const writer = new HistoryWriter(file)
  const workload = registerWorkload.generator({ concurrency: CONCURRENCY, nodes: cluster.nodes.map((n) => n.name), options: {} })
  const t0 = process.hrtime.bigint()
  const result = await runGenerator({
    generator: limit(OPS, workload),
    concurrency: CONCURRENCY,
    opTimeoutMs: 5000,
    random: new Random(1),
    openClient: (thread, process) => {
      const node = cluster.nodes[thread % cluster.nodes.length]!
      return memoryTarget.client({ node: node.name, address: node.address, workload: 'register', cluster, process, bug: undefined, targetOptions: {}, opTimeoutMs: 5000 })
    },
    onOp: (op) => writer.append(op),
  })
  writer.close()
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  await memoryTarget.teardown(cluster)
  // An "op" here is one invocation with its completion (two history lines).
  const ops = result.ops / 2
  return { ops, seconds: round(seconds), opsPerSecond: Math.round(ops / seconds), file, bytes: statSync(file).size }
}

async function readBench(file: string): Promise<{ ops: number; seconds: number; opsPerSecond: number; mbPerSecond: number }> {
  const best: number[] = []
  let ops = 0
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint()
    const { history } = await readHistoryJsonl(file)
    best.push(Number(process.hrtime.bigint() - t0) / 1e9)
    ops = history.length
  }
  const seconds = Math.min(...best)
  return { ops, seconds: round(seconds), opsPerSecond: Math.round(ops / seconds), mbPerSecond: round(statSync(file).size / 1e6 / seconds) }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}

const dir = mkdtempSync(join(tmpdir(), 'dstest-bench-'))
try {
  const runner = await runnerBench(dir)
  const read = await readBench(runner.file)
  console.log(
    JSON.stringify(
      {
        bench: 'runner',
        node: process.version,
        runner: { target: 'memory', workload: 'register', concurrency: CONCURRENCY, ops: runner.ops, seconds: runner.seconds, opsPerSecond: runner.opsPerSecond, historyBytes: runner.bytes, goal: '>= 50000 ops/s' },
        historyRead: { lines: read.ops, seconds: read.seconds, opsPerSecond: read.opsPerSecond, mbPerSecond: read.mbPerSecond, goal: '>= 1000000 ops/s' },
      },
      null,
      2,
    ),
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
