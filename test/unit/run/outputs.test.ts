import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRunDir } from '../../../core/store.js'
import { writeJunitFile, writeRunOutputs } from '../../../run/outputs.js'
import type { Reporter } from '../../../run/reporter.js'
import type { RunOutcome } from '../../../run/test-run.js'

const warnings: string[] = []
const reporter: Reporter = { start() {}, phase() {}, op() {}, warn: (m) => void warnings.push(m), finish() {}, close() {} }

function outcome(runDir: string): RunOutcome {
  return { valid: true, exitCode: 0, summary: '', runId: 't-0a1b2c', runDir, seed: 5, clientOperations: 0, seconds: 1.5, replay: 'dstest run --seed 5', checkers: { stats: { valid: true } }, results: { valid: true } }
}

describe('run outputs', () => {
  it("writes a run's report.html, and its junit.xml only with --junit", async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-outputs-'))
    const a = createRunDir(store, 't')
    a.writeJson('test', { name: 't', seed: 5 })
    a.writeJson('results', { valid: true })
    writeFileSync(a.file('history'), '')
    await writeRunOutputs({}, 't', outcome(a.path), reporter)
    expect(existsSync(a.file('report'))).toBe(true)
    expect(existsSync(a.file('junit'))).toBe(false)
    await writeRunOutputs({ junit: join(store, 'j.xml') }, 't', outcome(a.path), reporter)
    expect(readFileSync(a.file('junit'), 'utf8')).toContain('<property name="seed" value="5"/>')
    expect(warnings).toEqual([])
  })

  it('a report that cannot be written is a warning, not a lost run', async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-outputs-'))
    await writeRunOutputs({}, 't', outcome(join(store, 'gone')), reporter)
    expect(warnings.pop()).toMatch(/could not write report.html/)
  })

  it('the --junit file holds one testsuite per run, in a folder created for it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstest-outputs-'))
    const path = join(dir, 'ci', 'reports', 'junit.xml')
    writeJunitFile(path, 'memory-register', [outcome('r1'), { ...outcome('r2'), seed: 6 }], reporter)
    const xml = readFileSync(path, 'utf8')
    expect(xml.match(/<testsuite /g)).toHaveLength(2)
    expect(xml).toContain('name="memory-register #2"')
    expect(warnings).toEqual([])
  })

  it('a JUnit file that can no longer be written (its folder became a file during the run) is a warning, never a throw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstest-outputs-'))
    writeFileSync(join(dir, 'ci'), 'not a folder')
    expect(() => writeJunitFile(join(dir, 'ci', 'junit.xml'), 't', [outcome('r1')], reporter)).not.toThrow()
    expect(warnings.pop()).toMatch(/could not write the JUnit file .*ci\/junit.xml: --junit .*: .*ci is a file, not a folder/)
    // The run's own junit.xml likewise: the run folder is gone.
    await writeRunOutputs({ junit: join(dir, 'j.xml') }, 't', outcome(join(dir, 'gone')), reporter)
    expect(warnings.splice(0)).toEqual([expect.stringMatching(/could not write report.html/), expect.stringMatching(/could not write .*gone\/junit.xml: ENOENT/)])
  })
})
