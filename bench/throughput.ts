/**
 * npm run bench -- throughput [-- --target raft-kv --time-limit 20 --nemesis none,partition]
 * npm run bench -- throughput -- --from STORE_RUN_DIR [...]
 *
 * A bundled target's sustained throughput: runs the built CLI with 10 clients,
 * no rate limit (`--rate 0`), 5 containers, history recorded, once per nemesis;
 * then reads each history.jsonl back and prints, per run:
 * - ok ops/s over the whole workload phase (final reads excluded),
 * - ok ops per one-second window after the first 5 s: median and minimum,
 * - p50/p99 latency of ok ops (invoke to completion), in ms.
 * `--from DIR` skips running and measures existing run folders instead.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

function args(name: string): string[] {
  const out: string[] = []
  process.argv.forEach((a, i) => {
    if (a === `--${name}` && process.argv[i + 1]) out.push(process.argv[i + 1]!)
  })
  return out
}
const target = args('target')[0] ?? 'raft-kv'
const timeLimit = Number(args('time-limit')[0] ?? '20')
const nemeses = (args('nemesis')[0] ?? 'none,partition').split(',')
const WARMUP_S = 5

interface Line { time: number; type: string; process: number | string; f: string }

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d

export function measure(dir: string): Record<string, unknown> {
  const { spec } = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')) as { spec: { timeLimit: number; nemesis: string[]; target: string } }
  const lines = readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Line)
  const limitNs = spec.timeLimit * 1e9
  const open = new Map<number | string, number>()
  const latencies: number[] = []
  const perSecond: number[] = []
  let ok = 0
  for (const l of lines) {
    if (l.process === 'nemesis') continue
    if (l.type === 'invoke') {
      open.set(l.process, l.time)
      continue
    }
    const start = open.get(l.process)
    open.delete(l.process)
    if (l.type !== 'ok' || start === undefined || start > limitNs) continue // final reads start after the limit
    ok++
    latencies.push((l.time - start) / 1e6)
    const s = Math.floor(l.time / 1e9)
    perSecond[s] = (perSecond[s] ?? 0) + 1
  }
  latencies.sort((a, b) => a - b)
  const steady = perSecond.slice(WARMUP_S, Math.floor(limitNs / 1e9)).map((x) => x ?? 0).sort((a, b) => a - b)
  return {
    dir,
    target: spec.target,
    nemesis: spec.nemesis.join(','),
    seconds: limitNs / 1e9,
    okOps: ok,
    okPerSecondMean: round(ok / (limitNs / 1e9)),
    okPerSecondAfterWarmup: { median: quantile(steady, 0.5), min: steady[0] ?? 0 },
    latencyMs: { p50: round(quantile(latencies, 0.5)), p99: round(quantile(latencies, 0.99)) },
  }
}

const from = args('from')
const results: Record<string, unknown>[] = []
if (from.length > 0) {
  for (const d of from) results.push(measure(realpathSync(d)))
} else {
  for (const nemesis of nemeses) {
    const store = mkdtempSync(join(tmpdir(), 'dstest-throughput-'))
    const run = spawnSync(process.execPath, [resolve('dist/cli/main.js'), 'run', '--target', target, '--nemesis', nemesis, '--rate', '0', '--concurrency', '10', '--time-limit', String(timeLimit), '--seed', '1', '--store', store, '--reporter', 'quiet'], { stdio: 'inherit' })
    if (run.status !== 0) {
      console.error(`throughput: the ${target} run with --nemesis ${nemesis} exited ${run.status}; its store is ${store}`)
      process.exit(run.status ?? 4)
    }
    results.push(measure(realpathSync(join(store, 'latest'))))
  }
}
console.log(JSON.stringify({ bench: 'throughput', warmupSeconds: WARMUP_S, results }, null, 2))
