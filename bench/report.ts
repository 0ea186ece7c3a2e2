/**
 * How long report.html takes for a long history, and how much memory it needs.
 *
 *   npm run bench -- report [-- --ops 1000000 --rounds 3 --keep DIR]
 *   npm run bench -- report -- --from RUN_DIR    (time an existing run folder's report again)
 *
 * Writes a register-workload history of --ops client operations (10 client
 * threads, a fresh key every 200 operations, reads, writes and cas, 3% fail;
 * a partition every 10 s, under which some operations are slow or time out;
 * a kill every 15 s), with one stale read in the middle and results.json
 * saying so, as a real run's store folder. Then, in
 * alternation for --rounds rounds: a baseline pass that only reads the file and
 * counts its lines (the floor any report must pay), and the report itself built
 * in a fresh process (`--build`), whose time (wall and CPU) and peak RSS are
 * its own. Prints one JSON document: operations, history lines and bytes, the
 * medians, the worst peak RSS, the report's bytes.
 */
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkOperationsSync, explain, models, type Operation, type OpInput } from '../checkers/linearizability/index.js'
import { createRunDir, RunDir } from '../core/store.js'
import { buildReport } from '../report/build.js'

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i !== -1 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits

/** The child: build one report and say how long it took and how much memory the process held at most. */
async function buildChild(runDir: string): Promise<void> {
  const t = performance.now()
  const cpu = process.cpuUsage()
  const built = await buildReport(runDir)
  const seconds = (performance.now() - t) / 1000
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds, peakRssBytes: process.resourceUsage().maxRSS * 1024, bytes: built.bytes }) + '\n')
}

interface KeyOp {
  index: number
  completion: number
  process: number
  f: string
  value: unknown
  output: unknown
  type: 'ok' | 'fail' | 'info'
}

/**
 * Writes the history line by line, in time order (never held), and returns
 * the operations of the key with the stale read, which is all the checker
 * needs to be run on. Ten client threads each invoke again once their last
 * operation completed; under a partition some operations take up to a second,
 * and a few time out (info, and the thread goes on as a new process).
 */
function writeHistory(path: string, ops: number): { lines: number; anomalyKey: number; keyOps: KeyOp[] } {
  const fd = openSync(path, 'w')
  let chunk: string[] = []
  let index = 0
  const THREADS = 10
  const processes = Array.from({ length: THREADS }, (_, i) => i)
  const freeAt = new Array<number>(THREADS).fill(0)
  // Each thread's operation in flight: its completion, written when the clock passes it.
  const pending: ({ time: number; emit: () => void } | undefined)[] = new Array(THREADS).fill(undefined)
  const anomalyKey = Math.floor(ops / 2 / 200)
  const keyOps: KeyOp[] = []
  let staleDone = false
  let seed = 12345
  const rand = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
  let nextPartition = 10e9
  let partitioned = false
  let nextKill = 15e9
  let killed = false
  let clock = 0
  const flush = (): void => {
    writeSync(fd, chunk.join(''))
    chunk = []
  }
  const completeUntil = (t: number): void => {
    for (;;) {
      let first = -1
      for (let k = 0; k < THREADS; k++) if (pending[k] && pending[k]!.time <= t && (first === -1 || pending[k]!.time < pending[first]!.time)) first = k
      if (first === -1) return
      pending[first]!.emit()
      pending[first] = undefined
    }
  }
  const nemesis = (f: string, value: unknown, result: unknown): void => {
    completeUntil(clock)
    chunk.push(`{"index":${index++},"time":${clock},"type":"invoke","process":"nemesis","f":"${f}","value":${JSON.stringify(value)}}\n`)
    clock += 3_000_000
    completeUntil(clock)
    chunk.push(`{"index":${index++},"time":${clock},"type":"ok","process":"nemesis","f":"${f}","value":${JSON.stringify(result)}}\n`)
  }
  const written = new Map<number, number>() // key → last value written
  const firstWriteDone = new Map<number, number>() // key → when its first write completed: no read after it may see nil
  for (let i = 0; i < ops; i++) {
    let thread = 0
    for (let k = 1; k < THREADS; k++) if (freeAt[k]! < freeAt[thread]!) thread = k
    const t = Math.max(freeAt[thread]!, clock)
    if (t >= nextPartition) {
      clock = t
      nemesis(partitioned ? 'stop-partition' : 'start-partition', partitioned ? null : { topology: 'majority' }, partitioned ? 'network healed' : { topology: 'majority', grudge: { n1: ['n4', 'n5'], n2: ['n4', 'n5'], n3: ['n4', 'n5'], n4: ['n1', 'n2', 'n3', 'n5'], n5: ['n1', 'n2', 'n3', 'n4'] } })
      partitioned = !partitioned
      nextPartition += 10e9
    }
    if (t >= nextKill) {
      clock = Math.max(clock, t)
      nemesis(killed ? 'start' : 'kill', killed ? null : { nodes: ['n3'] }, killed ? { started: ['n3'] } : { killed: ['n3'], via: 'target' })
      killed = !killed
      nextKill += 15e9
    }
    clock = Math.max(clock, t)
    completeUntil(clock)
    const p = processes[thread]!
    const key = Math.floor(i / 200)
    const r = rand()
    const f = r < 0.5 ? 'read' : r < 0.75 ? 'write' : 'cas'
    const last = written.get(key) ?? null
    const value = f === 'read' ? null : f === 'write' ? i : [last, i]
    const slow = partitioned && rand() < 0.1
    const u = rand()
    const type: KeyOp['type'] = slow && u < 0.3 ? 'info' : u < 0.03 ? 'fail' : 'ok'
    const latency = type === 'info' ? 1_000_000_000 : Math.round(150_000 + rand() * rand() * (slow ? 900_000_000 : 1_500_000))
    const invoke = index++
    chunk.push(`{"index":${invoke},"time":${clock},"type":"invoke","process":${p},"f":"${f}","value":${JSON.stringify([key, value])}}\n`)
    // The stale read: one read of the anomaly key, begun after a write of it completed, sees nil.
    const stale = !staleDone && key === anomalyKey && f === 'read' && type === 'ok' && (firstWriteDone.get(key) ?? Infinity) < clock
    if (stale) staleDone = true
    const output = f === 'read' ? (stale ? null : last) : f === 'cas' ? true : value
    const done = clock + latency
    if (type === 'ok' && (f === 'write' || f === 'cas')) {
      written.set(key, i)
      if (!firstWriteDone.has(key)) firstWriteDone.set(key, done)
    }
    const op: KeyOp = { index: invoke, completion: -1, process: p, f, value, output, type }
    pending[thread] = {
      time: done,
      emit: () => {
        op.completion = index
        chunk.push(`{"index":${index++},"time":${done},"type":"${type}","process":${p},"f":"${f}","value":${JSON.stringify([key, f === 'read' ? output : value])},"node":"n${(thread % 5) + 1}"}\n`)
      },
    }
    if (key === anomalyKey) keyOps.push(op)
    if (type === 'info') processes[thread] = p + THREADS
    freeAt[thread] = done + 20_000
    if (chunk.length >= 20_000) flush()
  }
  completeUntil(Infinity)
  flush()
  closeSync(fd)
  return { lines: index, anomalyKey, keyOps }
}

/** results.json as the register workload's checkers would write it for this history. */
function results(anomalyKey: number, keyOps: KeyOp[]): unknown {
  const model = models['cas-register']()
  const ops: Operation<OpInput, unknown>[] = keyOps
    .filter((o) => o.type !== 'fail')
    .map((o) => ({
      clientId: o.process,
      id: o.index,
      call: o.index,
      return: o.type === 'info' ? Infinity : o.completion,
      input: { f: o.f, key: anomalyKey, ...(o.value === null ? {} : { value: o.value }) },
      ...(o.type === 'ok' ? { output: o.f === 'cas' ? true : o.output } : {}),
    }))
  const detail = checkOperationsSync(model, ops, { verbose: true })
  if (detail.result !== 'illegal') throw new Error(`the bench history should fail on key ${anomalyKey}, but the check says ${detail.result}`)
  const e = explain(detail, model, ops)
  const linearizable = {
    valid: false,
    summary: `not linearizable: key ${anomalyKey} has no valid order (model cas-register)`,
    model: 'cas-register',
    modelSpec: { name: 'cas-register', options: {} },
    consistency: 'linearizable',
    independent: true,
    nilReadIsUnknown: false,
    ops: ops.length,
    partitions: 1,
    failedKey: anomalyKey,
    detail,
    ...(e ? { explanation: e.text, ...(e.argument ? { argument: e.argument } : {}) } : {}),
  }
  return { valid: false, summary: `linearizable: INVALID (${linearizable.summary})`, checkers: { linearizable, stats: { valid: true, summary: 'stats' } } }
}

/** The floor: read every byte and count the lines, nothing else. */
async function readOnly(path: string): Promise<{ seconds: number; lines: number }> {
  const t = performance.now()
  const file = await open(path, 'r')
  const buffer = Buffer.allocUnsafe(4 << 20)
  let lines = 0
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) break
      for (let i = buffer.indexOf(10); i !== -1 && i < bytesRead; i = buffer.indexOf(10, i + 1)) lines++
    }
  } finally {
    await file.close()
  }
  return { seconds: (performance.now() - t) / 1000, lines }
}

async function main(): Promise<void> {
  const build = process.argv.indexOf('--build')
  if (build !== -1) return buildChild(process.argv[build + 1]!)
  const rounds = Number(option('rounds', '3'))
  const from = option('from', '')
  const keep = from || option('keep', '')
  const store = keep || mkdtempSync(join(tmpdir(), 'dstest-bench-report-'))
  try {
    let dir: RunDir
    let ops: number
    let lines: number
    let anomalyKey: number | undefined
    let writeSeconds = 0
    let checkSeconds = 0
    if (from) {
      dir = new RunDir(from)
      lines = (await readOnly(dir.file('history'))).lines
      const test = dir.readJson<{ operations?: number }>('test')
      ops = test?.operations ?? Math.floor(lines / 2)
      anomalyKey = dir.readJson<{ checkers?: { linearizable?: { failedKey?: number } } }>('results')?.checkers?.linearizable?.failedKey
    } else {
      ops = Number(option('ops', '1000000'))
      dir = createRunDir(store, 'bench-report')
      dir.writeJson('test', { name: 'bench-report', seed: 1, operations: ops, startedAt: new Date().toISOString(), spec: { target: 'synthetic', workload: 'register', nemesis: ['partition', 'kill'], concurrency: 10 } })
      let t = performance.now()
      const written = writeHistory(dir.file('history'), ops)
      lines = written.lines
      anomalyKey = written.anomalyKey
      writeSeconds = (performance.now() - t) / 1000
      t = performance.now()
      dir.writeJson('results', results(written.anomalyKey, written.keyOps))
      checkSeconds = (performance.now() - t) / 1000
    }
    const self = fileURLToPath(import.meta.url)
    const baseline: number[] = []
    const report: { seconds: number; cpuSeconds: number; peakRssBytes: number; bytes: number }[] = []
    for (let r = 0; r < rounds; r++) {
      const base = await readOnly(dir.file('history'))
      if (base.lines !== lines) throw new Error(`read ${base.lines} lines, wrote ${lines}`)
      baseline.push(base.seconds)
      const child = spawnSync(process.execPath, [self, '--build', dir.path], { encoding: 'utf8', maxBuffer: 1 << 20 })
      if (child.status !== 0) throw new Error(`building the report failed: ${child.stderr}`)
      report.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as (typeof report)[number])
    }
    const html = readFileSync(dir.file('report'), 'utf8')
    if (anomalyKey !== undefined && !html.includes(`key ${anomalyKey}`)) throw new Error('the report does not show the anomaly')
    const seconds = median(report.map((r) => r.seconds))
    console.log(
      JSON.stringify(
        {
          benchmark: 'report',
          operations: ops,
          historyLines: lines,
          historyBytes: statSync(dir.file('history')).size,
          rounds,
          seconds: round(seconds),
          // On a shared machine wall time waits for the CPU; this is the time the report had it.
          cpuSeconds: round(median(report.map((r) => r.cpuSeconds))),
          operationsPerSecond: Math.round(ops / seconds),
          peakRssBytes: Math.max(...report.map((r) => r.peakRssBytes)),
          reportBytes: report[report.length - 1]!.bytes,
          baselineReadSeconds: round(median(baseline)),
          reportOverBaseline: round(seconds / median(baseline), 2),
          samples: { report: report.map((r) => round(r.seconds)), reportCpu: report.map((r) => round(r.cpuSeconds)), baselineRead: baseline.map((s) => round(s)) },
          ...(from ? { from } : { setup: { writeSeconds: round(writeSeconds, 1), checkAnomalyKeySeconds: round(checkSeconds, 2) } }),
          machine: { cpus: cpus().length, loadavg: loadavg().map((l) => round(l, 1)), node: process.version },
          ...(keep && !from ? { kept: dir.path } : {}),
        },
        null,
        2,
      ),
    )
  } finally {
    if (!keep) rmSync(store, { recursive: true, force: true })
  }
}

await main()
