// The transactional checkers as dstest Checkers: results for results.json,
// the explanation the CLI prints, and bad input as a typed error (exit 3).
import { describe, expect, it } from 'vitest'
import { compose } from '../../../checkers/checker.js'
import { listAppend, rwRegister } from '../../../checkers/elle.js'
import { DstestError, UnknownNameError } from '../../../core/errors.js'
import { concurrent, fixture } from './elle/helpers.js'

const context = { concurrency: 1, nodes: [] }

describe('listAppend / rwRegister checkers', () => {
  it('an invalid history: the verdict, the summary, the explanation and the plain data', async () => {
    const r = await listAppend().check(fixture('jepsen-io-elle/histories/paper-example.edn'), context)
    expect(r.valid).toBe(false)
    expect(r.summary).toBe('G-single-item (forbidden by strict-serializable): not consistent-view, repeatable-read')
    expect(String(r.explanation).split('\n').slice(0, 2)).toEqual([
      'anomalies: G-single-item',
      expect.stringMatching(/^ruled out: consistent-view, repeatable-read \(and so also /),
    ])
    expect(r).toMatchObject({ anomalyTypes: ['G-single-item'], not: ['consistent-view', 'repeatable-read'], dataModel: 'list-append' })
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })

  it('consistency models and garbage reads are options', async () => {
    const skew = concurrent([0, [['r', 'x', []], ['append', 'y', 1]]], [1, [['r', 'y', []], ['append', 'x', 2]]])
    expect((await listAppend({ consistencyModels: ['snapshot-isolation'] }).check(skew, context)).valid).toBe(true)
    expect((await listAppend({ consistencyModels: ['serializable'] }).check(skew, context)).valid).toBe(false)
    expect((await rwRegister({ garbageReads: false }).check(fixture('ligurio-elle-cli/histories/elle/rw-register.edn'), context)).valid).toBe(true)
  })

  it('an unknown model is refused when the checker is made', () => {
    expect(() => listAppend({ consistencyModels: ['serialisable'] })).toThrow(UnknownNameError)
  })

  it('a history of the other kind is bad input, and compose lets that through (exit 3), not unknown', async () => {
    const registers = fixture('ligurio-elle-cli/histories/elle/rw-register.edn')
    await expect(Promise.resolve().then(() => listAppend().check(registers, context))).rejects.toSatisfy((e) => e instanceof DstestError && e.code === 'E_HISTORY' && e.exitCode === 3)
    await expect(compose({ 'list-append': listAppend() }).check(registers, context)).rejects.toThrow(/not a list-append history: op 1/)
  })
})
