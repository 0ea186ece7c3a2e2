import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSpec, resolveSpec } from '../../../core/spec.js'
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
})
