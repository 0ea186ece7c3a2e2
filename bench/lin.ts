/**
 * npm run bench -- lin [-- --porcupine PATH] [--rounds 5] [--only etcd,kv,kv-unpartitioned,scale]
 *
 * The linearizability checker on Porcupine's test data (the copy vendored in
 * test/fixtures/porcupine), on the calling thread and with 2 workers, and
 * optionally Porcupine itself beside it on the same data, interleaved, so that
 * both are measured on the same machine at the same moment. Prints one JSON
 * document on stdout and a Markdown table on stderr.
 *
 * Method: each dataset is parsed once (not timed). Then, per thread count,
 * after one untimed dstest pass (warm-up), `rounds` rounds each time one pass of
 * dstest and one of Porcupine over the whole dataset, alternating which goes
 * first; a pass's time is the sum of its per-file check times. Figures are the
 * medians of the rounds; ratio = dstest / Porcupine (below 1: dstest faster).
 *
 * Porcupine is an external command (`--porcupine PATH`, or the environment
 * variable DSTEST_PORCUPINE), run without a shell as
 *
 *   PATH <model> <threads> <file>...
 *
 * model: `cas-register` (Jepsen etcd logs, Porcupine's reading), `kv` (kv logs,
 * partitioned by key) or `kv-unpartitioned` (kv logs, one map state); threads:
 * GOMAXPROCS. It checks every file and prints, as its last stdout line, one JSON
 * object: `{"ms": <total check time of the files, without parsing or process
 * start>, "verdicts": ["ok" | "illegal", ...]}` (one verdict per file, in order).
 * Nothing that builds Porcupine is part of this repository: see bench/README.md.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync, readdirSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkEvents, checkOperations, closeWorkers, models, parseEtcdLog, parseKvLog, type Event, type ModelName } from '../checkers/linearizability/index.js'
import { simulateRegisterHistory } from '../checkers/linearizability/simulate.js'

interface Dataset {
  name: string
  label: string
  model: ModelName
  files: { path: string; events: Event[] }[]
}

interface Pass {
  ms: number
  verdicts: string[]
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}

function fail(message: string, code = 3): never {
  console.error(`lin bench: ${message}`)
  process.exit(code)
}

function findData(): string {
  const candidates = [
    resolve(process.cwd(), 'test/fixtures/porcupine'),
    resolve(fileURLToPath(new URL('.', import.meta.url)), '../../test/fixtures/porcupine'),
  ]
  const found = candidates.find((d) => existsSync(join(d, 'jepsen')))
  return found ?? fail(`no Porcupine test data at ${candidates.join(' or ')}: run from the repository's root`)
}

function datasets(data: string): Dataset[] {
  const etcd = readdirSync(join(data, 'jepsen'))
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => ({ path: join(data, 'jepsen', f), events: parseEtcdLog(readFileSync(join(data, 'jepsen', f), 'utf8')) as Event[] }))
    // etcd_095 is empty upstream (no test there either).
    .filter((f) => f.events.length > 0)
  const kv = (name: string) => ({ path: join(data, 'kv', `${name}.txt`), events: parseKvLog(readFileSync(join(data, 'kv', `${name}.txt`), 'utf8')) as Event[] })
  return [
    { name: 'etcd', label: `etcd, ${etcd.length} files (cas-register)`, model: 'cas-register', files: etcd },
    { name: 'kv', label: 'kv by key, 6 files', model: 'kv', files: ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok', 'c50-bad'].map(kv) },
    { name: 'kv-unpartitioned c10-ok', label: 'kv unpartitioned c10-ok', model: 'kv-unpartitioned', files: [kv('c10-ok')] },
    { name: 'kv-unpartitioned c10-bad', label: 'kv unpartitioned c10-bad', model: 'kv-unpartitioned', files: [kv('c10-bad')] },
  ]
}

async function dstestPass(set: Dataset, workers: number): Promise<Pass> {
  let ms = 0
  const verdicts: string[] = []
  for (const f of set.files) {
    const t = performance.now()
    const r = await checkEvents(models[set.model](), f.events, { workers })
    ms += performance.now() - t
    verdicts.push(r.result)
  }
  return { ms, verdicts }
}

function porcupinePass(command: string, set: Dataset, threads: number): Pass {
  const run = spawnSync(command, [set.model, String(threads), ...set.files.map((f) => f.path)], { encoding: 'utf8', maxBuffer: 64 << 20 })
  if (run.error) fail(`cannot run ${command}: ${run.error.message}`, 4)
  if (run.status !== 0) fail(`${command} exited with ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`, 4)
  const line = run.stdout.trim().split('\n').pop() ?? ''
  let out: { ms?: unknown; verdicts?: unknown }
  try {
    out = JSON.parse(line) as typeof out
  } catch {
    fail(`${command} did not end with a JSON line: ${line.slice(0, 200)}`, 4)
  }
  if (typeof out.ms !== 'number' || !Array.isArray(out.verdicts) || out.verdicts.length !== set.files.length) {
    fail(`${command} printed ${line.slice(0, 200)}: expected {"ms": number, "verdicts": [${set.files.length} × "ok"|"illegal"]}`, 4)
  }
  return { ms: out.ms, verdicts: out.verdicts.map(String) }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const round = (x: number): number => Math.round(x * 10) / 10

async function main(): Promise<void> {
  const rounds = Number(arg('rounds') ?? 5)
  if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a positive integer, not '${arg('rounds')}'`)
  const porcupine = arg('porcupine') ?? process.env.DSTEST_PORCUPINE
  if (porcupine !== undefined) {
    try {
      accessSync(porcupine, constants.X_OK)
    } catch {
      fail(`--porcupine ${porcupine}: not an executable file`)
    }
  }
  const only = arg('only')?.split(',')
  const data = findData()
  const sets = datasets(data).filter((s) => !only || only.some((o) => s.name === o || s.name.startsWith(`${o} `)))

  const report: Record<string, unknown> = {
    benchmark: 'lin',
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadAverageAtStart: loadavg().map(round),
    method: `per dataset and thread count: ${rounds} rounds, each one pass of dstest and one of Porcupine over the whole dataset (sum of per-file check times), alternating which goes first, after one untimed dstest pass; medians of the rounds; ratio = dstest / Porcupine`,
    porcupine: porcupine ?? 'not given: pass --porcupine PATH or set DSTEST_PORCUPINE (see bench/README.md)',
  }
  const table = ['| data | dstest 1 thread | Porcupine 1 thread | ratio | dstest 2 workers | Porcupine 2 threads | ratio |', '|---|---:|---:|---:|---:|---:|---:|']
  const results: Record<string, unknown> = {}
  let disagreements = 0
  for (const set of sets) {
    const reference = (await dstestPass(set, 1)).verdicts
    const agree = (who: string, p: Pass): number => {
      p.verdicts.forEach((v, i) => {
        if (v === reference[i]) return
        disagreements++
        console.error(`lin bench: ${set.files[i]!.path}: dstest (1 thread) says ${reference[i]}, ${who} says ${v}`)
      })
      return p.ms
    }
    const row: Record<string, unknown> = { model: set.model, files: set.files.length, verdicts: summarize(reference) }
    const cells: string[] = []
    for (const threads of [1, 2]) {
      const mine: number[] = []
      const theirs: number[] = []
      // Workers have JITs of their own: warm them too.
      if (threads > 1) agree(`dstest (${threads})`, await dstestPass(set, threads))
      for (let r = 0; r < rounds; r++) {
        const porcupineFirst = r % 2 === 1
        if (porcupine !== undefined && porcupineFirst) theirs.push(agree(`Porcupine (${threads})`, porcupinePass(porcupine, set, threads)))
        mine.push(agree(`dstest (${threads})`, await dstestPass(set, threads)))
        if (porcupine !== undefined && !porcupineFirst) theirs.push(agree(`Porcupine (${threads})`, porcupinePass(porcupine, set, threads)))
      }
      const entry: Record<string, unknown> = { dstestMs: round(median(mine)), dstestRoundsMs: mine.map(round) }
      if (porcupine !== undefined) {
        entry.porcupineMs = round(median(theirs))
        entry.porcupineRoundsMs = theirs.map(round)
        entry.ratio = Math.round((median(mine) / median(theirs)) * 100) / 100
      }
      row[threads === 1 ? 'oneThread' : 'twoWorkers'] = entry
      cells.push(`${fmt(median(mine))} ms`, porcupine !== undefined ? `${fmt(median(theirs))} ms` : '—', porcupine !== undefined ? `${(median(mine) / median(theirs)).toFixed(2)}×` : '—')
    }
    results[set.name] = row
    table.push(`| ${set.label} | ${cells.join(' | ')} |`)
  }
  report.datasets = results
  if (!only || only.includes('scale')) report.scale100k = await scale(rounds)
  report.loadAverageAtEnd = loadavg().map(round)
  report.verdictDisagreements = disagreements
  await closeWorkers()
  console.log(JSON.stringify(report, null, 2))
  console.error(table.join('\n'))
  if (disagreements > 0) process.exit(1)
}

function summarize(verdicts: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const v of verdicts) out[v] = (out[v] ?? 0) + 1
  return out
}

const fmt = (ms: number): string => (ms >= 100 ? Math.round(ms).toLocaleString('en') : ms.toFixed(1))

/** A 100,000-op synthetic history (dstest only: the external command reads only Porcupine's formats). */
async function scale(rounds: number): Promise<Record<string, unknown>> {
  const history = simulateRegisterHistory({ ops: 100_000, keys: 10, concurrency: 10, infoRate: 0.05, seed: 7 })
  const out: Record<string, unknown> = { ops: history.length, keys: 10, concurrency: 10, info: history.filter((op) => op.return === undefined || op.return === Infinity).length }
  for (const workers of [1, 2]) {
    const first = await checkOperations(models['cas-register'](), history, { workers })
    const times: number[] = []
    for (let r = 0; r < rounds; r++) {
      const t = performance.now()
      await checkOperations(models['cas-register'](), history, { workers })
      times.push(performance.now() - t)
    }
    out[workers === 1 ? 'oneThread' : 'twoWorkers'] = { ms: round(median(times)), result: first.result, cacheEntries: first.stats.cacheEntries, workers: first.stats.workers }
  }
  return out
}

await main()
