/**
 * npm run bench -- matrix [-- --target raft-kv --runs 10 --time-limit 60 --only correct|bugs --parallel 1]
 *
 * Runs the built CLI over a matrix of seeded runs: the correct system under each
 * nemesis (expected valid, exit 0) and each bug mode under the nemesis that
 * exposes it (expected caught, exit 1). Prints one JSON document with every
 * run's exit code, verdict, ops and seconds, plus a Markdown table for the
 * README. Each run is a whole 5-node cluster with its own network; `--parallel N`
 * runs N of them at once (the verdicts of a correct system must not depend on
 * load; the table says what parallelism was used).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

interface Case {
  name: string
  bug?: string
  nemesis: string
  extra?: string[]
  expect: 0 | 1
}

const CASES: Record<string, Case[]> = {
  'raft-kv': [
    ...['partition', 'kill', 'pause', 'clock', 'packet', 'partition,kill,pause,clock,packet'].map((n): Case => ({ name: `correct / ${n}`, nemesis: n, expect: 0 })),
    // The fault that exposes no-fsync, against the correct system: no false alarm.
    { name: 'correct / kill all', nemesis: 'kill', extra: ['--nemesis-targets', 'all'], expect: 0 },
    { name: 'correct / skewed-leader', nemesis: 'skewed-leader', extra: ['--op-timeout', '1'], expect: 0 },
    { name: 'stale-read / partition', bug: 'stale-read', nemesis: 'partition', expect: 1 },
    // Isolate the leader, then step its clock back; short op timeouts let its clients keep reading.
    { name: 'lease-read / skewed-leader', bug: 'lease-read', nemesis: 'skewed-leader', extra: ['--op-timeout', '1'], expect: 1 },
    { name: 'no-fsync / kill all', bug: 'no-fsync', nemesis: 'kill', extra: ['--nemesis-targets', 'all'], expect: 1 },
    { name: 'no-vote-persist / kill,partition', bug: 'no-vote-persist', nemesis: 'kill,partition', extra: ['--nemesis-targets', 'majority'], expect: 1 },
  ],
  'chain-kv': [
    ...['partition', 'kill', 'pause', 'clock', 'packet', 'partition,kill,pause,clock,packet'].map((n): Case => ({ name: `correct / ${n}`, nemesis: n, expect: 0 })),
    { name: 'read-any / partition', bug: 'read-any', nemesis: 'partition', expect: 1 },
    { name: 'early-ack / kill on primaries', bug: 'early-ack', nemesis: 'kill', extra: ['--nemesis-targets', 'primaries'], expect: 1 },
    { name: 'no-fence / partition on primaries', bug: 'no-fence', nemesis: 'partition', extra: ['--partition', 'primaries'], expect: 1 },
  ],
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback
}

const target = arg('target', 'raft-kv')
const runs = Number(arg('runs', '10'))
const timeLimit = arg('time-limit', '60')
const interval = arg('nemesis-interval', '10')
const only = arg('only', 'all')
const bin = resolve('dist/cli/main.js')
const cases = (CASES[target] ?? []).filter((c) => only === 'all' || (only === 'bugs') === (c.bug !== undefined))
if (cases.length === 0) {
  console.error(`no matrix for target '${target}': choose from ${Object.keys(CASES).join(', ')}`)
  process.exit(3)
}

type Run = { seed: number; exit: number | null; valid: unknown; ops: number; seconds: number }
const parallel = Math.max(1, Number(arg('parallel', '1')))

function runOne(c: Case, seed: number): Promise<Run> {
  const store = mkdtempSync(join(tmpdir(), 'dstest-matrix-'))
  const args = ['run', '--target', target, '--nemesis', c.nemesis, '--nemesis-interval', interval, '--time-limit', timeLimit, '--seed', String(seed), '--store', store, '--reporter', 'quiet', ...(c.bug ? ['--bug', c.bug] : []), ...(c.extra ?? [])]
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
      process.stderr.write(`${c.name} seed=${seed} exit=${status} valid=${String(valid)} ops=${ops} store=${store}\n`)
      done({ seed, exit: status, valid, ops, seconds: Math.round((Date.now() - t0) / 100) / 10 })
    })
  })
}

const jobs = cases.flatMap((c) => Array.from({ length: runs }, (_, i) => ({ c, seed: i + 1 })))
const results = new Map<Case, Run[]>(cases.map((c) => [c, []]))
let next = 0
await Promise.all(
  Array.from({ length: Math.min(parallel, jobs.length) }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!
      results.get(job.c)!.push(await runOne(job.c, job.seed))
    }
  }),
)
const rows = cases.map((c) => ({ case: c.name, expected: c.expect, runs: results.get(c)!.sort((a, b) => a.seed - b.seed) }))

const table = [
  `| case | expected | as expected | exits | mean ops | mean s |`,
  `|---|---|---|---|---|---|`,
  ...rows.map((r) => {
    const good = r.runs.filter((x) => x.exit === r.expected).length
    const mean = (f: (x: (typeof r.runs)[number]) => number): number => Math.round(r.runs.reduce((s, x) => s + f(x), 0) / r.runs.length)
    return `| ${r.case} | ${r.expected === 0 ? 'valid (0)' : 'caught (1)'} | ${good}/${r.runs.length} | ${r.runs.map((x) => x.exit).join(' ')} | ${mean((x) => x.ops)} | ${mean((x) => x.seconds)} |`
  }),
].join('\n')
console.log(JSON.stringify({ bench: 'matrix', target, runs, timeLimit: Number(timeLimit), nemesisInterval: Number(interval), parallel, rows, table }, null, 2))
