/**
 * npm run bench -- matrix [-- --target raft-kv --workload register --runs 10 --time-limit 60 --only correct|bugs --case NAME[,NAME] --parallel 1 --out FILE [--resume]]
 *
 * Runs the built CLI over a matrix of seeded runs: the correct system under each
 * nemesis (expected valid, exit 0) and each bug mode under the nemesis that
 * exposes it (expected caught, exit 1), for one workload or several
 * (`--workload set,bank` or `--workload all`: every workload the target has
 * cases for). Prints one JSON document with every run's exit code, verdict,
 * ops and seconds, plus a Markdown table for the README; `--out FILE` also
 * appends one JSON line per run as it ends, so an interrupted campaign keeps
 * what it measured; with `--resume` it runs only the (case, seed) pairs that
 * FILE does not hold a verdict for (a run that exited 4, the environment
 * failing before the check, is run again) and the table covers every run in
 * FILE for these cases. `--case` keeps only the cases with those names (as the
 * table prints them, e.g. 'correct / clock'). Each run is a whole 5-node cluster with its own network;
 * `--parallel N` runs N of them at once (the verdicts of a correct system must
 * not depend on load; the table says what parallelism was used).
 */
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

interface Case {
  name: string
  bug?: string
  nemesis: string
  extra?: string[]
  expect: 0 | 1
}

const NEMESES = ['partition', 'kill', 'pause', 'clock', 'packet', 'partition,kill,pause,clock,packet']
const correctUnderEach = (): Case[] => NEMESES.map((n): Case => ({ name: `correct / ${n === NEMESES[5] ? 'all five combined' : n}`, nemesis: n, expect: 0 }))
const KILL_MAJORITY = ['--nemesis-targets', 'majority']
const KILL_ALL = ['--nemesis-targets', 'all']
const PRIMARIES = ['--nemesis-targets', 'primaries']

/** target → workload → cases. */
const CASES: Record<string, Record<string, Case[]>> = {
  'raft-kv': {
    register: [
      ...correctUnderEach(),
      // The fault that exposes no-fsync, against the correct system: no false alarm.
      { name: 'correct / kill all', nemesis: 'kill', extra: KILL_ALL, expect: 0 },
      { name: 'correct / skewed-leader', nemesis: 'skewed-leader', extra: ['--op-timeout', '1'], expect: 0 },
      { name: 'stale-read / partition', bug: 'stale-read', nemesis: 'partition', expect: 1 },
      // Isolate the leader, then step its clock back; short op timeouts let its clients keep reading.
      { name: 'lease-read / skewed-leader', bug: 'lease-read', nemesis: 'skewed-leader', extra: ['--op-timeout', '1'], expect: 1 },
      { name: 'no-fsync / kill all', bug: 'no-fsync', nemesis: 'kill', extra: KILL_ALL, expect: 1 },
      { name: 'no-vote-persist / kill,partition', bug: 'no-vote-persist', nemesis: 'kill,partition', extra: KILL_MAJORITY, expect: 1 },
    ],
    set: [
      ...correctUnderEach(),
      { name: 'correct / kill majority', nemesis: 'kill', extra: KILL_MAJORITY, expect: 0 },
      { name: 'correct / kill all', nemesis: 'kill', extra: KILL_ALL, expect: 0 },
      { name: 'no-fsync / kill majority', bug: 'no-fsync', nemesis: 'kill', extra: KILL_MAJORITY, expect: 1 },
      { name: 'no-fsync / kill all', bug: 'no-fsync', nemesis: 'kill', extra: KILL_ALL, expect: 1 },
    ],
    bank: [
      ...correctUnderEach(),
      { name: 'correct / kill majority', nemesis: 'kill', extra: KILL_MAJORITY, expect: 0 },
      { name: 'split-transfer / kill majority', bug: 'split-transfer', nemesis: 'kill', extra: KILL_MAJORITY, expect: 1 },
    ],
    counter: [
      ...correctUnderEach(),
      { name: 'correct / kill all', nemesis: 'kill', extra: KILL_ALL, expect: 0 },
      { name: 'stale-read / partition', bug: 'stale-read', nemesis: 'partition', expect: 1 },
      { name: 'no-fsync / kill all', bug: 'no-fsync', nemesis: 'kill', extra: KILL_ALL, expect: 1 },
    ],
    'unique-ids': [
      ...correctUnderEach(),
      { name: 'correct / kill all', nemesis: 'kill', extra: KILL_ALL, expect: 0 },
      { name: 'local-ids / partition', bug: 'local-ids', nemesis: 'partition', expect: 1 },
      { name: 'no-fsync / kill all', bug: 'no-fsync', nemesis: 'kill', extra: KILL_ALL, expect: 1 },
    ],
    queue: [
      ...correctUnderEach(),
      { name: 'correct / kill majority', nemesis: 'kill', extra: KILL_MAJORITY, expect: 0 },
      { name: 'early-dequeue / kill majority', bug: 'early-dequeue', nemesis: 'kill', extra: KILL_MAJORITY, expect: 1 },
      { name: 'early-dequeue / partition', bug: 'early-dequeue', nemesis: 'partition', expect: 1 },
      { name: 'no-fsync / kill majority', bug: 'no-fsync', nemesis: 'kill', extra: KILL_MAJORITY, expect: 1 },
      { name: 'no-fsync / kill all', bug: 'no-fsync', nemesis: 'kill', extra: KILL_ALL, expect: 1 },
    ],
    'long-fork': [...correctUnderEach(), { name: 'torn-read / partition', bug: 'torn-read', nemesis: 'partition', expect: 1 }],
    'list-append': [...correctUnderEach(), { name: 'txn-local-read / partition', bug: 'txn-local-read', nemesis: 'partition', expect: 1 }],
    'rw-register': [...correctUnderEach(), { name: 'txn-local-read / partition', bug: 'txn-local-read', nemesis: 'partition', expect: 1 }],
  },
  'chain-kv': {
    register: [
      ...correctUnderEach(),
      { name: 'read-any / partition', bug: 'read-any', nemesis: 'partition', expect: 1 },
      { name: 'early-ack / kill on primaries', bug: 'early-ack', nemesis: 'kill', extra: PRIMARIES, expect: 1 },
      { name: 'no-fence / partition on primaries', bug: 'no-fence', nemesis: 'partition', extra: ['--partition', 'primaries'], expect: 1 },
    ],
    set: [
      ...correctUnderEach(),
      { name: 'early-ack / kill on primaries', bug: 'early-ack', nemesis: 'kill', extra: PRIMARIES, expect: 1 },
      { name: 'no-fence / partition on primaries', bug: 'no-fence', nemesis: 'partition', extra: ['--partition', 'primaries'], expect: 1 },
    ],
    bank: correctUnderEach(),
    counter: [
      ...correctUnderEach(),
      { name: 'read-any / partition', bug: 'read-any', nemesis: 'partition', expect: 1 },
      { name: 'early-ack / kill on primaries', bug: 'early-ack', nemesis: 'kill', extra: PRIMARIES, expect: 1 },
    ],
    'unique-ids': [
      ...correctUnderEach(),
      { name: 'early-ack / kill on primaries', bug: 'early-ack', nemesis: 'kill', extra: PRIMARIES, expect: 1 },
      { name: 'no-fence / partition on primaries', bug: 'no-fence', nemesis: 'partition', extra: ['--partition', 'primaries'], expect: 1 },
    ],
    queue: [...correctUnderEach(), { name: 'early-ack / kill on primaries', bug: 'early-ack', nemesis: 'kill', extra: PRIMARIES, expect: 1 }],
    'list-append': correctUnderEach(),
    'rw-register': correctUnderEach(),
  },
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback
}

const target = arg('target', 'raft-kv')
const byWorkload = CASES[target] ?? {}
const workloadArg = arg('workload', 'register')
const workloads = workloadArg === 'all' ? Object.keys(byWorkload) : workloadArg.split(',')
const out = arg('out', '')
const runs = Number(arg('runs', '10'))
const timeLimit = arg('time-limit', '60')
const interval = arg('nemesis-interval', '10')
const only = arg('only', 'all')
const bin = resolve('dist/cli/main.js')
type WorkloadCase = Case & { workload: string }
const unknown = workloads.filter((w) => !byWorkload[w])
if (!CASES[target] || unknown.length > 0) {
  console.error(`no matrix for target '${target}' workload '${unknown.join(',')}': targets ${Object.keys(CASES).join(', ')}; workloads of ${target}: ${Object.keys(byWorkload).join(', ')}`)
  process.exit(3)
}
const named = process.argv.includes('--case') ? arg('case', '').split(',').map((n) => n.trim()) : undefined
const cases: WorkloadCase[] = workloads
  .flatMap((w) => byWorkload[w]!.map((c) => ({ ...c, workload: w })))
  .filter((c) => only === 'all' || (only === 'bugs') === (c.bug !== undefined))
  .filter((c) => named === undefined || named.includes(c.name))
const unknownCase = named?.find((n) => !cases.some((c) => c.name === n))
if (unknownCase !== undefined) {
  console.error(`--case: no case '${unknownCase}' for ${target} (${workloads.join(', ')}); the cases: ${workloads.flatMap((w) => byWorkload[w]!.map((c) => c.name)).join(', ')}`)
  process.exit(3)
}

type Run = { seed: number; exit: number | null; valid: unknown; ops: number; seconds: number }
const parallel = Math.max(1, Number(arg('parallel', '1')))

function runOne(c: WorkloadCase, seed: number): Promise<Run> {
  const store = mkdtempSync(join(tmpdir(), 'dstest-matrix-'))
  const args = ['run', '--target', target, '--workload', c.workload, '--nemesis', c.nemesis, '--nemesis-interval', interval, '--time-limit', timeLimit, '--seed', String(seed), '--store', store, '--reporter', 'quiet', ...(c.bug ? ['--bug', c.bug] : []), ...(c.extra ?? [])]
  const t0 = Date.now()
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' })
    const timer = setTimeout(() => child.kill('SIGINT'), (Number(timeLimit) + 240) * 1000)
    child.on('exit', (status) => {
      clearTimeout(timer)
      let valid: unknown = null
      let ops = 0
      try {
        const dir = realpathSync(join(store, 'latest'))
        valid = (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { valid: unknown }).valid
        ops = readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"invoke"') && !l.includes('"nemesis"')).length
      } catch {
        // no results: the run failed before checking (its exit code says why)
      }
      const run = { seed, exit: status, valid, ops, seconds: Math.round((Date.now() - t0) / 100) / 10 }
      process.stderr.write(`${c.workload} ${c.name} seed=${seed} exit=${status} valid=${String(valid)} ops=${ops} store=${store}\n`)
      if (out) appendFileSync(out, JSON.stringify({ target, workload: c.workload, case: c.name, expected: c.expect, store, ...run }) + '\n')
      done(run)
    })
  })
}

const results = new Map<WorkloadCase, Run[]>(cases.map((c) => [c, []]))
/** With --resume: the runs FILE already holds for these cases, and the (case, seed) pairs that have a verdict. */
const done = new Set<string>()
const jobKey = (workload: string, name: string, seed: number): string => JSON.stringify([workload, name, seed])
if (process.argv.includes('--resume')) {
  if (!out) {
    console.error('--resume needs --out FILE (the campaign to resume)')
    process.exit(3)
  }
  const earlier = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter((l) => l.trim() !== '') : []
  for (const line of earlier) {
    const r = JSON.parse(line) as Run & { target: string; workload: string; case: string }
    const c = cases.find((x) => r.target === target && x.workload === r.workload && x.name === r.case)
    if (!c) continue
    results.get(c)!.push({ seed: r.seed, exit: r.exit, valid: r.valid, ops: r.ops, seconds: r.seconds })
    if (r.exit !== 4) done.add(jobKey(c.workload, c.name, r.seed))
  }
}
// Seed by seed, so a campaign cut short has run every case about as often.
const jobs = Array.from({ length: runs }, (_, i) => cases.map((c) => ({ c, seed: i + 1 })))
  .flat()
  .filter((j) => !done.has(jobKey(j.c.workload, j.c.name, j.seed)))
let next = 0
await Promise.all(
  Array.from({ length: Math.min(parallel, jobs.length) }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!
      results.get(job.c)!.push(await runOne(job.c, job.seed))
    }
  }),
)
const rows = cases.map((c) => ({ workload: c.workload, case: c.name, expected: c.expect, runs: results.get(c)!.sort((a, b) => a.seed - b.seed) }))

const table = [
  `| workload | case | expected | as expected | exits | mean ops | mean s |`,
  `|---|---|---|---|---|---|---|`,
  ...rows.map((r) => {
    const good = r.runs.filter((x) => x.exit === r.expected).length
    const mean = (f: (x: (typeof r.runs)[number]) => number): number => Math.round(r.runs.reduce((s, x) => s + f(x), 0) / r.runs.length)
    return `| ${r.workload} | ${r.case} | ${r.expected === 0 ? 'valid (0)' : 'caught (1)'} | ${good}/${r.runs.length} | ${r.runs.map((x) => x.exit).join(' ')} | ${mean((x) => x.ops)} | ${mean((x) => x.seconds)} |`
  }),
].join('\n')
console.log(JSON.stringify({ bench: 'matrix', target, workloads, runs, timeLimit: Number(timeLimit), nemesisInterval: Number(interval), parallel, rows, table }, null, 2))
