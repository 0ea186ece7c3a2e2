/**
 * Linearizability checker benchmark: Porcupine's test histories and a 100,000-op
 * synthetic history, on the calling thread and with 2 worker threads. Each figure
 * is the median of 3 timed checks after one warm-up check. Prints one JSON document.
 *
 *   npm run bench -- lin
 *
 * Reads ../shared/testdata (relative to the repo root, i.e. the working directory).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { cpus } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  checkEvents,
  checkOperations,
  closeWorkers,
  models,
  parseEtcdLog,
  parseKvLog,
  type CheckResult,
  type Event,
  type ModelName,
} from '../checkers/linearizability/index.js'
import { simulateRegisterHistory } from '../checkers/linearizability/simulate.js'

function findData(): string {
  const candidates = [
    resolve(process.cwd(), '../shared/testdata/porcupine'),
    resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/testdata/porcupine'),
  ]
  const found = candidates.find((d) => existsSync(join(d, 'jepsen')))
  if (!found) {
    console.error(`lin bench: no Porcupine test data at ${candidates.join(' or ')}: run from the repo root next to ../shared/testdata`)
    process.exit(3)
  }
  return found
}

const round = (ms: number): number => Math.round(ms * 100) / 100

async function median3(run: () => Promise<CheckResult>): Promise<{ ms: number; result: string; workers: number }> {
  const first = await run()
  const samples: number[] = []
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    await run()
    samples.push(performance.now() - t)
  }
  samples.sort((a, b) => a - b)
  return { ms: round(samples[1]!), result: first.result, workers: first.stats.workers }
}

async function suite(
  files: { name: string; events: Event[] }[],
  model: ModelName,
  workers: number,
): Promise<{ totalMs: number; files: Record<string, { ms: number; result: string }>; workersUsed: number }> {
  const out: Record<string, { ms: number; result: string }> = {}
  let total = 0
  let workersUsed = 0
  for (const f of files) {
    const m = await median3(() => checkEvents(models[model](), f.events, { workers }))
    out[f.name] = { ms: m.ms, result: m.result }
    total += m.ms
    workersUsed = Math.max(workersUsed, m.workers)
  }
  return { totalMs: round(total), files: out, workersUsed }
}

async function main(): Promise<void> {
  const data = findData()
  const etcdFiles = readdirSync(join(data, 'jepsen'))
    .filter((f) => f.endsWith('.log'))
    .sort()
  const etcd = (openAtEnd: 'return' | 'pending') =>
    etcdFiles
      .map((f) => ({ name: f, events: parseEtcdLog(readFileSync(join(data, 'jepsen', f), 'utf8'), { openAtEnd }) as Event[] }))
      .filter((f) => f.events.length > 0)
  const kvNames = ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok', 'c50-bad']
  const kv = kvNames.map((name) => ({ name, events: parseKvLog(readFileSync(join(data, 'kv', `${name}.txt`), 'utf8')) as Event[] }))
  const kvOne = kv.filter((f) => f.name.startsWith('c01') || f.name.startsWith('c10'))

  const report: Record<string, unknown> = {
    benchmark: 'lin',
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    method: 'median of 3 timed checks after 1 warm-up, per file; totals are sums of per-file medians',
    porcupineGoV130: {
      etcdTotalMs: { oneThread: 528, twoThreads: 585 },
      kvPartitionedTotalMs: { oneThread: 237, twoThreads: 152 },
      kvUnpartitionedMs: { 'c10-ok': { oneThread: 2650, twoThreads: 1827 }, 'c10-bad': { oneThread: 2807, twoThreads: 2219 } },
    },
  }
  for (const [label, openAtEnd] of [
    ['etcdPorcupineReading', 'return'],
    ['etcdOpenOpsPending', 'pending'],
  ] as const) {
    const files = etcd(openAtEnd)
    report[label] = {
      files: files.length,
      note:
        openAtEnd === 'return'
          ? "timed-out ops closed with an unknown output after the last line, as Porcupine's test reads them"
          : 'timed-out ops left open (may or may not have happened: Jepsen semantics); same verdicts',
      oneThread: await suite(files, 'cas-register', 1),
      twoWorkers: await suite(files, 'cas-register', 2),
    }
  }
  report.kvPartitioned = { oneThread: await suite(kv, 'kv', 1), twoWorkers: await suite(kv, 'kv', 2) }
  report.kvUnpartitioned = { oneThread: await suite(kvOne, 'kv-unpartitioned', 1), twoWorkers: await suite(kvOne, 'kv-unpartitioned', 2) }

  const history = simulateRegisterHistory({ ops: 100_000, keys: 10, concurrency: 10, infoRate: 0.05, seed: 7 })
  const scale: Record<string, unknown> = {
    ops: history.length,
    keys: 10,
    concurrency: 10,
    info: history.filter((op) => op.return === Infinity).length,
  }
  for (const workers of [1, 2]) {
    const m = await median3(() => checkOperations(models['cas-register'](), history, { workers }))
    const r = await checkOperations(models['cas-register'](), history, { workers })
    scale[workers === 1 ? 'oneThread' : 'twoWorkers'] = { ...m, cacheEntries: r.stats.cacheEntries, cacheBytes: r.stats.cacheBytes }
  }
  report.scale100k = scale
  await closeWorkers()
  console.log(JSON.stringify(report, null, 2))
}

await main()
