import { existsSync, mkdtempSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRunDir, openRunDir, runStamp } from '../../../core/store.js'

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
})
