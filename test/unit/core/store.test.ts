import { existsSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRunDir, ensureFolder, openRunDir, PendingDir, probeWritable, runStamp, testNameProblem, updateLatest } from '../../../core/store.js'

describe('store', () => {
  it('stamps runs as YYYYMMDDTHHmmss.SSS in UTC', () => {
    expect(runStamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe('20260102T030405.006')
  })

  it('creates store/<test>/<stamp> and points both latest links at the newest run', () => {
    const root = mkdtempSync(join(tmpdir(), 'dstest-store-'))
    const when = new Date(Date.UTC(2026, 10, 21, 12, 0, 0, 0))
    const a = createRunDir(root, 'memory-register', when)
    const b = createRunDir(root, 'memory-register', when) // same millisecond: still unique
    expect(a.path).not.toBe(b.path)
    expect(a.path).toBe(join(root, 'memory-register', '20261121T120000.000'))
    expect(realpathSync(join(root, 'memory-register', 'latest'))).toBe(realpathSync(b.path))
    expect(realpathSync(join(root, 'latest'))).toBe(realpathSync(b.path))
    // Links are relative, so a store folder can be moved or archived.
    expect(readlinkSync(join(root, 'latest')).startsWith('/')).toBe(false)
    const c = createRunDir(root, 'other')
    expect(realpathSync(join(root, 'latest'))).toBe(realpathSync(c.path))
    expect(realpathSync(join(root, 'memory-register', 'latest'))).toBe(realpathSync(b.path))
  })

  it('opens a run folder, a latest link, or a test folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'dstest-store-'))
    const run = createRunDir(root, 't')
    writeFileSync(run.file('history'), '')
    run.writeJson('results', { valid: true })
    expect(existsSync(run.file('results'))).toBe(true)
    expect(openRunDir(join(root, 'latest')).readJson('results')).toEqual({ valid: true })
    expect(realpathSync(openRunDir(join(root, 't')).path)).toBe(realpathSync(run.path))
    expect(() => openRunDir(join(root, 'nope'))).toThrow(/no such run folder/)
  })

  it('a test name is one folder of its own under the store: no dot names, no `latest`, no separators', () => {
    for (const ok of ['raft-kv-register', 'a', 'R1.2_x-y', 'x'.repeat(64)]) expect(testNameProblem(ok), ok).toBeUndefined()
    for (const bad of ['', '.', '..', '...', '.hidden', 'latest', '-flag', '_x', 'a/b', '../x', 'a b', 'x'.repeat(65), 'é']) {
      expect(testNameProblem(bad), bad).toBeDefined()
    }
    const root = mkdtempSync(join(tmpdir(), 'dstest-store-'))
    expect(() => createRunDir(root, '..')).toThrow(/starts with "\."/)
    expect(() => createRunDir(root, 'latest')).toThrow(/link to the newest run/)
    expect(readdirSync(root)).toEqual([])
  })

  it('ensureFolder creates missing parents and refuses files and /proc at once, without spinning', () => {
    const root = mkdtempSync(join(tmpdir(), 'dstest-store-'))
    ensureFolder(join(root, 'a', 'b', 'c'), '--store x')
    expect(existsSync(join(root, 'a', 'b', 'c'))).toBe(true)
    writeFileSync(join(root, 'f'), '')
    expect(() => ensureFolder(join(root, 'f', 'g'), '--store y')).toThrow(/^--store y: .*\/f is a file, not a folder$/)
    expect(() => ensureFolder('/proc/dstest-nope/x', '--store z')).toThrow(/^--store z: cannot create \/proc\/dstest-nope \(ENOENT\)$/)
    probeWritable(root, '--store x')
    expect(readdirSync(root).sort()).toEqual(['a', 'f'])
    expect(() => probeWritable('/proc/self', '--store p')).toThrow(/^--store p: cannot write in \/proc\/self/)
  })

  it('a pending folder has a dot name until committed; discard leaves nothing; no latest link moves', () => {
    const root = mkdtempSync(join(tmpdir(), 'dstest-store-'))
    const run = createRunDir(root, 't')
    const analyses = join(run.path, 'analyses')
    const when = new Date(Date.UTC(2026, 10, 21, 12, 0, 0, 0))
    const p = PendingDir.begin(analyses, 'analysis', when)
    p.dir.writeJson('results', { valid: false })
    expect(readdirSync(analyses)).toEqual([`.20261121T120000.000.tmp-${process.pid}`])
    const final = p.commit()
    expect(final).toBe(join(analyses, '20261121T120000.000'))
    expect(readdirSync(analyses)).toEqual(['20261121T120000.000'])
    const q = PendingDir.begin(analyses, 'analysis', when)
    q.discard()
    expect(readdirSync(analyses)).toEqual(['20261121T120000.000'])
    expect(realpathSync(join(root, 'latest'))).toBe(realpathSync(run.path))
    // A bare history's check moves its own test's link only.
    const other = createRunDir(root, 'u')
    updateLatest(root, 't', run.path, 'test')
    expect(realpathSync(join(root, 'latest'))).toBe(realpathSync(other.path))
  })
})
