/**
 * Odd values at every flag of `run --dry-run`, `check` and `list`: each is
 * either taken (exit 0, or the verdict's code for check) or refused with one
 * line (exit 3). Never a stack trace, an internal error, another exit code or
 * a hang. The flags come from the same records `--help` is made from, so a
 * new flag is fuzzed without touching this file.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkFlags } from '../../cli/commands/check.js'
import { runFlags } from '../../cli/commands/run-options.js'
import type { Flag } from '../../cli/flag-docs.js'
import { BIN, requireBuild, tempDir, type Result } from './helpers.js'

beforeAll(requireBuild)

const NUMBERS = ['-1', '1e309', 'abc', '99999999999999999999']
const STRINGS = ['', '..', 'latest', '/proc/self', '/dev/zero', 'x'.repeat(300), "a,,b ünï '$(id)'"]

function valuesFor(flag: Flag): string[][] {
  if (flag.type === 'boolean') return [[`--${flag.name}`], [`--${flag.name}=maybe`], [`--no-${flag.name}`]]
  const values = flag.type === 'number' ? NUMBERS : [...STRINGS, ...(flag.choices ? ['nope'] : [])]
  return values.map((v) => [`--${flag.name}`, v])
}

function run(args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Runs every case, a few at a time, and returns the ones that broke the rule. */
async function broken(cases: string[][], cwd: string, allowed: readonly number[]): Promise<string[]> {
  const bad: string[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const args = cases[next++]!
      const r = await run(args, cwd)
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('warning: '))
      const ok =
        r.code !== null &&
        allowed.includes(r.code) &&
        !/\n\s+at |internal error/.test(r.stderr) &&
        (r.code !== 3 || (lines.length === 1 && lines[0]!.startsWith('dstest: ')))
      if (!ok) bad.push(`${JSON.stringify(args)} → exit ${r.code}: ${r.stderr.slice(0, 300)}`)
    }
  }
  await Promise.all([worker(), worker(), worker()])
  return bad
}

describe('odd values at every flag: taken, or refused with one line (exit 3); never a stack trace', () => {
  it('run --dry-run', async () => {
    const cwd = join(tempDir(), 'a', 'b')
    mkdirSync(cwd, { recursive: true })
    const cases = runFlags.filter((f) => f.name !== 'dry-run').flatMap((f) => valuesFor(f).map((v) => ['run', '--target', 'raft-kv', '--nemesis', 'partition', '--dry-run', ...v]))
    expect(cases.length).toBeGreaterThan(120)
    expect(await broken(cases, cwd, [0, 3])).toEqual([])
  }, 900_000)

  it('check, on a small history file and on a run folder', async () => {
    const dir = tempDir()
    const cwd = join(dir, 'a', 'b')
    mkdirSync(cwd, { recursive: true })
    const history = join(dir, 'h.jsonl')
    writeFileSync(history, '{"index":0,"time":1,"type":"invoke","process":0,"f":"write","value":1}\n{"index":1,"time":2,"type":"ok","process":0,"f":"write","value":1}\n')
    const run = join(dir, 'store', 't', '20260101T000000.000')
    mkdirSync(run, { recursive: true })
    writeFileSync(join(run, 'history.jsonl'), '{"index":0,"time":1,"type":"invoke","process":0,"f":"read","value":[0,null]}\n{"index":1,"time":2,"type":"ok","process":0,"f":"read","value":[0,null]}\n')
    writeFileSync(join(run, 'test.json'), '{"name":"t","spec":{"workload":"register","concurrency":1}}\n')
    // The base flags, less the one under test; a relative '..' store lands in `dir`.
    const base = (path: string, flag: string): string[] => {
      const given: Record<string, string> = { checker: 'linearizable', model: 'register', store: join(dir, 'out') }
      return ['check', path, ...Object.entries(given).filter(([k]) => k !== flag).flatMap(([k, v]) => [`--${k}`, v])]
    }
    const cases = [
      ...checkFlags.flatMap((f) => valuesFor(f).map((v) => [...base(history, f.name), ...v])),
      ...checkFlags.filter((f) => f.name !== 'checker' && f.name !== 'model').flatMap((f) => valuesFor(f).map((v) => ['check', run, ...v])),
      ...STRINGS.map((p) => ['check', p, '--checker', 'stats', '--store', join(dir, 'out')]),
      // A flag given twice.
      ...checkFlags.filter((f) => f.type !== 'boolean').map((f) => [...base(history, f.name), `--${f.name}`, 'a', `--${f.name}`, 'b']),
    ]
    // Verdicts are exits too: valid, anomaly, unknown.
    expect(await broken(cases, cwd, [0, 1, 2, 3])).toEqual([])
  }, 900_000)

  it('list', async () => {
    const cases = [...STRINGS, 'targets', 'checkers'].map((k) => ['list', k])
    expect(await broken(cases, tempDir(), [0, 3])).toEqual([])
  }, 300_000)
})
