/**
 * npm run bench -- user-modules [-- --rounds 7]
 *
 * What loading a user's module costs the built CLI: the wall time of
 * `dstest list targets` for a bundled target (the baseline), a JavaScript
 * target module (the Node module hooks registered, nothing transpiled), a
 * TypeScript target of four files seen before (its transpiled files in the
 * cache), and the same target as new files (a fresh copy each round: the
 * TypeScript compiler loaded, each file transpiled). The cases are
 * interleaved round by round, so load on the machine hits them alike; the
 * medians and each one's extra over the baseline are printed as JSON.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? '') || 7
const root = resolve(import.meta.dirname, '..', '..')
const bin = join(root, 'dist', 'cli', 'main.js')

const fixture = join(root, 'test/fixtures/targets/ts-counter')
const copies: string[] = []
/** A copy of the TypeScript fixture at a new path: nothing of it is in the cache. */
function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dstest-bench-ts-'))
  copies.push(dir)
  cpSync(fixture, dir, { recursive: true })
  return join(dir, 'target.ts')
}

const cases: Record<string, () => string[]> = {
  'bundled target (baseline)': () => ['list', 'targets', '--target', 'raft-kv'],
  'JavaScript target module': () => ['list', 'targets', '--target', 'test/fixtures/targets/no-clock.mjs'],
  'TypeScript target, 4 files, cached': () => ['list', 'targets', '--target', join(fixture, 'target.ts')],
  'TypeScript target, 4 new files': () => ['list', 'targets', '--target', freshCopy()],
}
// The cached case's files are transpiled once before timing starts.
spawnSync(process.execPath, [bin, ...cases['TypeScript target, 4 files, cached']!()], { cwd: root })

const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
for (let r = 0; r < rounds; r++) {
  for (const [name, argvOf] of Object.entries(cases)) {
    const argv = argvOf()
    const t0 = process.hrtime.bigint()
    const run = spawnSync(process.execPath, [bin, ...argv], { cwd: root, encoding: 'utf8' })
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (run.status !== 0) throw new Error(`${name}: exit ${run.status}: ${run.stderr}`)
    times[name]!.push(ms)
  }
}

for (const dir of copies) rmSync(dir, { recursive: true, force: true })

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const base = median(times['bundled target (baseline)']!)
const figures = Object.fromEntries(
  Object.entries(times).map(([name, xs]) => [name, { medianMs: Math.round(median(xs)), extraOverBaselineMs: Math.round(median(xs) - base), runsMs: xs.map(Math.round) }]),
)
process.stdout.write(JSON.stringify({ benchmark: 'user-modules', rounds, figures }, null, 2) + '\n')
