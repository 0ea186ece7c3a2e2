import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NODE_SELECTIONS, parseSpec, resolveSpec, specFields, SPEC_GROUPS, TestSpecSchema } from '../../../core/spec.js'
import { DstestError } from '../../../core/errors.js'

describe('test spec', () => {
  it('fills in defaults', () => {
    const s = parseSpec({})
    expect(s).toMatchObject({ target: 'raft-kv', nodes: 5, concurrency: 10, timeLimit: 60, nemesis: ['none'], testCount: 1 })
    expect(s.seed).toBeUndefined()
  })

  it('splits comma-separated nemeses', () => {
    expect(parseSpec({ nemesis: 'partition, kill' }).nemesis).toEqual(['partition', 'kill'])
    expect(parseSpec({ nemesis: ['partition,clock', 'pause'] }).nemesis).toEqual(['partition', 'clock', 'pause'])
  })

  it('rejects bad values with the flag name and exit code 3', () => {
    const err = (() => {
      try {
        parseSpec({ timeLimit: -1, concurrency: 1.5 })
      } catch (e) {
        return e
      }
    })() as DstestError
    expect(err).toBeInstanceOf(DstestError)
    expect(err.code).toBe('E_CONFIG')
    expect(err.exitCode).toBe(3)
    expect(err.message).toMatch(/--time-limit/)
    expect(err.message).toMatch(/--concurrency/)
  })

  it('rejects unknown keys', () => {
    expect(() => parseSpec({ tiemLimit: 5 })).toThrow(/tiemLimit/)
  })

  it('takes flags over the config file over defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstest-spec-'))
    const file = join(dir, 'dstest.json')
    writeFileSync(file, JSON.stringify({ target: 'memory', timeLimit: 7, concurrency: 3 }))
    const s = resolveSpec({ timeLimit: 9, seed: undefined }, file)
    expect(s).toMatchObject({ target: 'memory', timeLimit: 9, concurrency: 3 })
  })

  it('names the config file in its errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstest-spec-'))
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{"nodes": "five"}')
    expect(() => resolveSpec({}, bad)).toThrow(new RegExp(`invalid config file ${bad}.*nodes`))
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '{nodes: 5')
    expect(() => resolveSpec({}, broken)).toThrow(/not valid JSON/)
    expect(() => resolveSpec({}, join(dir, 'missing.json'))).toThrow(/cannot read config file/)
  })

  it('describes every field beside its schema: flag, type, default, choices, group', () => {
    const fields = specFields()
    expect(fields.map((f) => f.key)).toEqual(Object.keys(TestSpecSchema.shape))
    const by = Object.fromEntries(fields.map((f) => [f.key, f]))
    expect(by.timeLimit).toMatchObject({ flag: 'time-limit', type: 'number', default: 60, group: 'Test' })
    expect(by.nemesis).toMatchObject({ flag: 'nemesis', type: 'string', default: ['none'], names: 'nemeses' })
    expect(by.nemesisTargets).toMatchObject({ type: 'string', choices: NODE_SELECTIONS })
    expect(by.seed?.default).toBeUndefined()
    expect(by.workloadOptions).toMatchObject({ type: 'object', configOnly: true })
    for (const f of fields) {
      expect(SPEC_GROUPS, f.key).toContain(f.group)
      expect(f.describe.length, f.key).toBeGreaterThan(10)
      // A field with a schema default shows that; one without says what happens instead, or has none to show.
      if (f.default !== undefined) expect(f.defaultText, f.key).toBeUndefined()
    }
  })
})
