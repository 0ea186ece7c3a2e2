import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HistoryError } from '../../../../core/errors.js'
import { readHistoryJsonl } from '../../../../core/history/jsonl.js'
import { HistoryOrder, jsonTextProblem, MAX_DEPTH } from '../../../../core/history/validate.js'
import type { Op } from '../../../../core/op.js'

const file = (lines: readonly string[]): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'dstest-validate-')), 'history.jsonl')
  writeFileSync(path, lines.map((l) => l + '\n').join(''))
  return path
}
const op = (o: Partial<Op> & Pick<Op, 'type'>): string => JSON.stringify({ time: 1, process: 0, f: 'write', value: 1, ...o })
const refusal = async (path: string): Promise<HistoryError> => {
  const e = await readHistoryJsonl(path).catch((x: unknown) => x)
  expect(e).toBeInstanceOf(HistoryError)
  expect((e as HistoryError).exitCode).toBe(3)
  return e as HistoryError
}

describe('jsonTextProblem', () => {
  it('accepts integers up to 2^53 - 1, floats of any length, and long digit runs inside strings', () => {
    expect(jsonTextProblem('{"value":9007199254740991}')).toBeUndefined()
    expect(jsonTextProblem('{"value":-9007199254740991}')).toBeUndefined()
    expect(jsonTextProblem('{"value":0.12345678901234567890}')).toBeUndefined()
    expect(jsonTextProblem('{"value":12345678901234567890e-3}')).toBeUndefined()
    expect(jsonTextProblem('{"value":"90071992547409930000"}')).toBeUndefined()
    expect(jsonTextProblem('{"value":"a \\" 90071992547409930000"}')).toBeUndefined()
  })
  it('names an integer that JSON.parse would round', () => {
    expect(jsonTextProblem('{"value":9007199254740993}')).toMatch(/9007199254740993 is beyond/)
    expect(jsonTextProblem('{"value":["k",-9007199254740993]}')).toMatch(/-9007199254740993/)
    // 2^53 itself is representable but a neighbour of values that are not: refused too.
    expect(jsonTextProblem('{"value":9007199254740992}')).toMatch(/beyond/)
  })
  it('refuses values nested deeper than the limit, and accepts the limit', () => {
    const nest = (d: number): string => `{"value":${'['.repeat(d - 1)}${']'.repeat(d - 1)}}`
    expect(jsonTextProblem(nest(MAX_DEPTH))).toBeUndefined()
    expect(jsonTextProblem(nest(MAX_DEPTH + 1))).toMatch(/nested more than 64/)
  })
})

describe('HistoryOrder', () => {
  it('lets the nemesis complete without invoking, and a process invoke again after its completion', () => {
    const o = new HistoryOrder()
    const at = (x: Partial<Op> & Pick<Op, 'type'>, line: number): string | undefined =>
      o.accept({ index: 0, time: 0, process: 0, f: 'w', value: 1, ...x } as Op, undefined, line)
    expect(at({ type: 'info', process: 'nemesis' }, 1)).toBeUndefined()
    expect(at({ type: 'invoke' }, 2)).toBeUndefined()
    expect(at({ type: 'ok' }, 3)).toBeUndefined()
    expect(at({ type: 'invoke' }, 4)).toBeUndefined()
    expect(at({ type: 'invoke', process: 1 }, 5)).toBeUndefined()
    expect(at({ type: 'info', process: 1 }, 6)).toBeUndefined()
  })
})

describe('readHistoryJsonl refuses a malformed history with exit 3 and the line', () => {
  it('a write of 2^53 + 1 followed by a read of 2^53 is refused, never judged with rounded values', async () => {
    // Written as text: a number literal in this file would be rounded before the test ran.
    const e = await refusal(
      file([
        '{"index":0,"time":1,"type":"invoke","process":0,"f":"write","value":9007199254740993}',
        '{"index":1,"time":2,"type":"ok","process":0,"f":"write","value":9007199254740993}',
        '{"index":2,"time":3,"type":"invoke","process":1,"f":"read","value":null}',
        '{"index":3,"time":4,"type":"ok","process":1,"f":"read","value":9007199254740992}',
      ]),
    )
    expect(e.line).toBe(1)
    expect(e.message).toMatch(/9007199254740993/)
  })
  it('a completion without an invocation', async () => {
    const e = await refusal(file([op({ index: 0, type: 'invoke' }), op({ index: 1, type: 'ok' }), op({ index: 2, type: 'ok', process: 3 })]))
    expect(e.line).toBe(3)
    expect(e.message).toMatch(/process 3 completes an operation \(ok write\) it never invoked/)
  })
  it('a second invocation of a process whose first is still open', async () => {
    const e = await refusal(file([op({ index: 0, type: 'invoke' }), op({ index: 1, type: 'invoke' })]))
    expect(e.line).toBe(2)
    expect(e.message).toMatch(/still open/)
  })
  it('records out of order', async () => {
    const e = await refusal(file([op({ index: 5, type: 'invoke' }), op({ index: 3, type: 'ok' })]))
    expect(e.line).toBe(2)
    expect(e.message).toMatch(/out of order: index 3 after index 5/)
  })
  it('duplicate indices', async () => {
    const e = await refusal(file([op({ index: 0, type: 'invoke' }), op({ index: 0, type: 'ok' })]))
    expect(e.line).toBe(2)
    expect(e.message).toMatch(/index 0 repeats the index of line 1/)
  })
  it('a value nested too deep (once a stack overflow in the checker)', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`
    const e = await refusal(file([`{"index":0,"time":1,"type":"invoke","process":0,"f":"write","value":${deep}}`]))
    expect(e.line).toBe(1)
    expect(e.message).toMatch(/nested/)
  })
})
