/**
 * `dstest check` never loses or falsifies a verdict: a re-check writes its
 * analysis beside the run and leaves the run's own results and report as the
 * run found them; an interrupted check leaves nothing half-written and moves
 * no `latest` link; an empty history is unknown, never valid; a history of
 * [key, value] pairs is not judged as one object.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, dstestSpawn, requireBuild, tempDir } from './helpers.js'

beforeAll(requireBuild)

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

/** 18 writes all overlapping, then a read of a value nobody wrote: refuting it means trying every order of the writes. */
function hardHistory(): string {
  const ops: object[] = []
  let t = 0
  for (let p = 0; p < 18; p++) ops.push({ time: t++, type: 'invoke', process: p, f: 'write', value: p + 1 })
  for (let p = 0; p < 18; p++) ops.push({ time: t++, type: 'ok', process: p, f: 'write', value: p + 1 })
  ops.push({ time: t++, type: 'invoke', process: 18, f: 'read', value: null })
  ops.push({ time: t++, type: 'ok', process: 18, f: 'read', value: 999 })
  return ops.map((o, index) => JSON.stringify({ index, ...o })).join('\n') + '\n'
}

/** Spawns `dstest check`, interrupts it once it says what it checks, and returns how it ended. */
async function interruptedCheck(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const child = dstestSpawn(['check', ...args])
  let stdout = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    if (stdout.includes('checking ')) child.kill('SIGINT')
  })
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout })))
}

describe('dstest check <run> writes an analysis beside the run', () => {
  it("re-checking an INVALID run with another checker leaves the run's results.json and report.html as the run found them", () => {
    const store = tempDir()
    const run = dstest(['run', '--target', 'memory', '--time-limit', '1', '--bug', 'stale-read', '--seed', '3', '--store', store])
    expect(run.code).toBe(1)
    const runDir = join(store, 'memory-register', readlinkSync(join(store, 'memory-register', 'latest')))
    const before = { results: digest(join(runDir, 'results.json')), report: digest(join(runDir, 'report.html')), latest: readlinkSync(join(store, 'latest')) }

    const r = dstest(['check', join(store, 'latest'), '--checker', 'stats'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^checking [\d,]+ client operations \([\d,]+ history records\) of .* with stats$/m)
    const m = /^analysis: (.*\/analyses\/\d{8}T\d{6}\.\d{3}) \(the run's own results in (.*) are unchanged\)$/m.exec(r.stdout)
    expect(m, r.stdout).not.toBeNull()

    expect(digest(join(runDir, 'results.json'))).toBe(before.results)
    expect(digest(join(runDir, 'report.html'))).toBe(before.report)
    expect((JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as { valid: unknown }).valid).toBe(false)
    expect(readlinkSync(join(store, 'latest'))).toBe(before.latest)

    const analysis = m![1]!
    expect((JSON.parse(readFileSync(join(analysis, 'results.json'), 'utf8')) as { valid: unknown }).valid).toBe(true)
    const test = JSON.parse(readFileSync(join(analysis, 'test.json'), 'utf8')) as { seed: number; analysis: { of: string; checkers: string[] } }
    expect(test.seed).toBe(3)
    expect(test.analysis.checkers).toEqual(['stats'])
    expect(readFileSync(join(analysis, 'report.html'), 'utf8')).toContain('VALID')
    expect(readdirSync(join(runDir, 'analyses'))).toEqual([analysis.split('/').at(-1)])
  })

  it('an interrupted check of a run leaves no analysis folder, half-written or not, and the run as it was', async () => {
    const runDir = join(tempDir(), 'store', 't', '20260101T000000.000')
    mkdirSync(runDir, { recursive: true })
    writeFileSync(join(runDir, 'history.jsonl'), hardHistory())
    writeFileSync(join(runDir, 'results.json'), '{"valid":false}\n')
    writeFileSync(join(runDir, 'test.json'), '{"name":"t"}\n')
    const r = await interruptedCheck([runDir, '--checker', 'linearizable', '--model', 'register', '--time-limit', '600'])
    expect(r.code === 130 || r.signal === 'SIGINT', JSON.stringify(r)).toBe(true)
    expect(readdirSync(runDir).sort()).toEqual(['history.jsonl', 'results.json', 'test.json'])
    expect(readFileSync(join(runDir, 'results.json'), 'utf8')).toBe('{"valid":false}\n')
  })

  it('an interrupted check of a history file writes nothing in the store and does not move store/latest', async () => {
    const store = tempDir()
    expect(dstest(['run', '--target', 'memory', '--time-limit', '0.5', '--rate', '1000', '--seed', '1', '--store', store]).code).toBe(0)
    const latest = readlinkSync(join(store, 'latest'))
    const file = join(tempDir(), 'hard.jsonl')
    writeFileSync(file, hardHistory())
    const r = await interruptedCheck([file, '--checker', 'linearizable', '--model', 'register', '--time-limit', '600', '--store', store])
    expect(r.code === 130 || r.signal === 'SIGINT', JSON.stringify(r)).toBe(true)
    expect(readdirSync(store).sort()).toEqual(['latest', 'memory-register'])
    expect(readlinkSync(join(store, 'latest'))).toBe(latest)
  })
})

describe('dstest check: what cannot be judged is not called valid', () => {
  it('an empty history with an explicit checker is unknown (exit 2), in every format', () => {
    const dir = tempDir()
    for (const [name, text] of [
      ['empty.jsonl', ''],
      ['empty.edn', ''],
      ['empty.json', '[]'],
      ['nemesis-only.jsonl', '{"index":0,"time":1,"type":"info","process":"nemesis","f":"start-partition","value":null}\n'],
    ] as const) {
      const file = join(dir, name)
      writeFileSync(file, text)
      for (const checker of [['--checker', 'linearizable', '--model', 'register'], ['--checker', 'stats']]) {
        const r = dstest(['check', file, ...checker, '--store', join(dir, 'store')])
        expect(r.code, `${name} ${checker.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2)
        expect(r.stdout).toMatch(/: UNKNOWN - nothing to judge: the history holds no client operation/)
        expect(r.stdout).toMatch(/^verdict: UNKNOWN \(exit 2\) 0 client operations$/m)
      }
    }
  })

  it('[key, value] values without --independent are refused with the fix; --independent checks each key; --no-independent as one object', () => {
    const dir = tempDir()
    const file = join(dir, 'keys.jsonl')
    const ops = [
      { type: 'invoke', process: 0, f: 'write', value: [1, 5] },
      { type: 'ok', process: 0, f: 'write', value: [1, 5] },
      { type: 'invoke', process: 1, f: 'write', value: [2, 7] },
      { type: 'ok', process: 1, f: 'write', value: [2, 7] },
      { type: 'invoke', process: 0, f: 'read', value: [1, null] },
      { type: 'ok', process: 0, f: 'read', value: [1, 5] },
    ]
    writeFileSync(file, ops.map((o, index) => JSON.stringify({ index, time: index, ...o })).join('\n') + '\n')
    const args = ['check', file, '--checker', 'linearizable', '--model', 'register', '--store', join(dir, 'store')]
    const refused = dstest(args)
    expect(refused.code).toBe(3)
    expect(refused.stdout).toBe('')
    expect(refused.stderr.trim().split('\n')).toEqual([
      "dstest: every client operation's value is a [key, value] pair (3 invocations over 2 keys): checked as one object, keys would be taken for values: pass --independent to check each key on its own, or --no-independent if the values really are pairs",
    ])
    const perKey = dstest([...args, '--independent'])
    expect(perKey.code).toBe(0)
    expect(perKey.stdout).toMatch(/linearizable: VALID - 2 key\(s\) linearizable/)
    // As one register, the read of [1, 5] after the write of [2, 7] is not linearizable: the user said so.
    expect(dstest([...args, '--no-independent']).code).toBe(1)
  })
})
