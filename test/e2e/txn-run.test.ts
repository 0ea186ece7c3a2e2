// The transactional workloads (list-append, rw-register) through the built CLI,
// as a user runs them on the memory target: valid on the serializable store,
// each isolation bug caught with the anomaly it should produce, and the target's
// promise (workload option consistencyModels) deciding what counts as invalid.
import { readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, requireBuild, tempDir } from './helpers.js'

beforeAll(() => requireBuild())

function run(args: string[]): { code: number | null; stdout: string; store: string } {
  const store = tempDir()
  const r = dstest(['run', '--target', 'memory', '--seed', '1', '--reporter', 'line', '--store', store, ...args])
  return { code: r.code, stdout: r.stdout + r.stderr, store }
}

function result(store: string, checker: string): { not: string[]; alsoNot: string[]; anomalyTypes: string[] } {
  const results = JSON.parse(readFileSync(join(realpathSync(join(store, 'latest')), 'results.json'), 'utf8')) as { checkers: Record<string, never> }
  return results.checkers[checker]!
}

function config(options: Record<string, unknown>): string {
  const file = join(tempDir(), 'config.json')
  writeFileSync(file, JSON.stringify({ workloadOptions: options }))
  return file
}

describe('dstest run: list-append and rw-register on the memory target', () => {
  it.each(['list-append', 'rw-register'])('%s for 5 s is valid (exit 0), its report has the section, and re-checking the stored run agrees', (workload) => {
    const r = run(['--workload', workload, '--time-limit', '5'])
    expect(r.stdout).toMatch(new RegExp(`\\n  ${workload}: VALID - ${workload} history consistent with strict-serializable \\(\\d+ ok, 0 info, \\d+ failed transactions\\)\\n`))
    expect(r.code).toBe(0)
    const dir = realpathSync(join(r.store, 'latest'))
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(`<h2>Transactions: anomalies and the models they rule out (${workload})</h2>`)
    const again = dstest(['check', dir])
    expect(again.stdout).toMatch(new RegExp(`${workload}: VALID`))
    expect(again.code).toBe(0)
  })

  describe.each(['list-append', 'rw-register'])('%s', (workload) => {
    it('--bug snapshot-isolation: write skew, G2-item; serializable ruled out, snapshot isolation not (exit 1)', () => {
      const r = run(['--workload', workload, '--time-limit', '3', '--bug', 'snapshot-isolation'])
      const out = result(r.store, workload)
      if (workload === 'list-append') {
        // A list shows every version order: the write skew is a plain G2-item.
        expect(r.stdout).toMatch(/\n {2}list-append: INVALID - G2-item[-\w, ]* \(forbidden by strict-serializable\): not repeatable-read\n/)
        expect(out.alsoNot).toContain('serializable')
      } else {
        // A register's version order is known only where a transaction read a version and wrote the next, or from
        // process and real-time order: some write skews show only as G2-item-process or -realtime.
        expect(r.stdout).toMatch(/\n {2}rw-register: INVALID - G2-item[-\w, ]* \(forbidden by strict-serializable\): not [-a-z, ]+\n/)
        expect(out.anomalyTypes.every((t) => t.startsWith('G2-item'))).toBe(true)
      }
      expect(r.code).toBe(1)
      expect([...out.not, ...out.alsoNot]).toContain('strict-serializable')
      expect([...out.not, ...out.alsoNot].filter((m) => m.includes('snapshot-isolation'))).toEqual([])
      // Its report draws the cycles.
      expect(readFileSync(join(realpathSync(join(r.store, 'latest')), 'report.html'), 'utf8')).toMatch(/<h3>G2-item[^<]*<\/h3><div [^>]*><div [^>]*><svg /)
    })

    it('--bug read-committed: read skew, G-single; read committed not ruled out (exit 1)', () => {
      const r = run(['--workload', workload, '--time-limit', '3', '--bug', 'read-committed'])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${workload}: INVALID - [^\\n]*\\bG-single-item\\b[^\\n]*\\(forbidden by strict-serializable\\): not [^\\n]*\\n`))
      expect(r.code).toBe(1)
      const out = result(r.store, workload)
      expect(out.anomalyTypes.filter((t) => /^G(0|1)/.test(t))).toEqual([])
      expect([...out.not, ...out.alsoNot].filter((m) => m.endsWith('read-committed'))).toEqual([])
      expect(out.alsoNot).toContain('strict-serializable')
    })

    it('--bug read-uncommitted: aborted reads, G1a; read committed ruled out (exit 1)', () => {
      const r = run(['--workload', workload, '--time-limit', '3', '--bug', 'read-uncommitted'])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${workload}: INVALID - [^\\n]*\\bG1a\\b[^\\n]*\\(forbidden by strict-serializable\\): not read-committed\\n`))
      expect(r.code).toBe(1)
    })
  })

  it('a target that promises only what the bug gives is valid: snapshot isolation with write skew, read committed with read skew; aborted reads still break read committed', () => {
    const si = run(['--workload', 'list-append', '--time-limit', '3', '--bug', 'snapshot-isolation', '--config', config({ consistencyModels: ['snapshot-isolation'] })])
    expect(si.stdout).toMatch(/list-append: VALID - list-append history consistent with snapshot-isolation [^\n]*; found G2-item[^\n]*, which snapshot-isolation allows\n/)
    expect(si.code).toBe(0)
    const rc = run(['--workload', 'rw-register', '--time-limit', '3', '--bug', 'read-committed', '--config', config({ consistencyModels: 'read-committed' })])
    expect(rc.stdout).toMatch(/rw-register: VALID - rw-register history consistent with read-committed /)
    expect(rc.code).toBe(0)
    const ru = run(['--workload', 'rw-register', '--time-limit', '3', '--bug', 'read-uncommitted', '--config', config({ consistencyModels: 'read-committed' })])
    expect(ru.stdout).toMatch(/rw-register: INVALID - [^\n]*G1a[^\n]*\(forbidden by read-committed\): not read-committed/)
    expect(ru.code).toBe(1)
  })

  it('an unknown model, or a bug for other workloads, is refused with exit 3 before the test starts', () => {
    const bad = run(['--workload', 'list-append', '--time-limit', '1', '--config', config({ consistencyModels: ['serialisable'] })])
    expect(bad.stdout).toMatch(/list-append workload: option consistencyModels names an unknown model 'serialisable'/)
    expect(bad.code).toBe(3)
    const wrong = run(['--workload', 'set', '--time-limit', '1', '--bug', 'snapshot-isolation'])
    expect(wrong.stdout).toMatch(/bug 'snapshot-isolation' of target memory breaks the list-append and rw-register workloads, not set: run it with --workload list-append or rw-register/)
    expect(wrong.code).toBe(3)
  })

  it('dstest list describes both workloads, their option consistencyModels, and the memory target\'s isolation bugs', () => {
    const all = dstest(['list'])
    expect(all.code).toBe(0)
    expect(all.stdout).toMatch(/workloads:[\s\S]*\n {2}list-append +Elle's list-append: [^\n]*consistencyModels, default strict-serializable/)
    expect(all.stdout).toMatch(/workloads:[\s\S]*\n {2}rw-register +Elle's rw-register: [^\n]*consistencyModels/)
    for (const bug of ['snapshot-isolation', 'read-committed', 'read-uncommitted']) expect(all.stdout).toMatch(new RegExp(`--bug ${bug}: list-append and rw-register workloads: `))
  })
})
