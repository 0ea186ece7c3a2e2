import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { HistoryError } from '../../../../core/errors.js'
import { importJepsenHistory, importJepsenJson } from '../../../../core/history/edn-import.js'
import type { Op } from '../../../../core/op.js'

// Vendored under test/fixtures/elle/ (origin and licence in test/fixtures/README.md).
const ELLE = fileURLToPath(new URL('../../../fixtures/elle/', import.meta.url))

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f))
    .sort()
}

const ednFiles = filesUnder(ELLE, '.edn')
const twins = filesUnder(ELLE, '.json').filter((j) => ednFiles.includes(j.replace(/\.json$/, '.edn')))

const count = (text: string, re: RegExp): number => text.match(re)?.length ?? 0

describe('importJepsenHistory on the Elle / Knossos / Jepsen test histories', () => {
  it('finds the test data', () => {
    expect(ednFiles.length).toBeGreaterThanOrEqual(20)
    expect(twins.length).toBeGreaterThanOrEqual(6)
  })

  it.each(ednFiles.map((f) => [f.slice(ELLE.length), f]))('%s', (_name, file) => {
    const text = readFileSync(file, 'utf8')
    const ops = importJepsenHistory(text, file)
    expect(ops.length).toBeGreaterThan(0)
    expect(ops.filter((op) => op.type === 'invoke')).toHaveLength(count(text, /:type\s+:invoke\b/g))
    expect(ops).toHaveLength(count(text, /:type\s+:(invoke|ok|fail|info)\b/g))
    expect(ops.filter((op) => op.process === 'nemesis')).toHaveLength(count(text, /:process\s+:nemesis\b/g))
    ops.forEach((op, i) => {
      expect(op.index).toBe(i)
      expect(typeof op.f).toBe('string')
      expect(Number.isFinite(op.time)).toBe(true)
    })
    // Values are JSON data: no Map, nothing lost in a round trip.
    expect(JSON.parse(JSON.stringify(ops))).toEqual(ops)
  })

  it.each(twins.map((f) => [f.slice(ELLE.length), f]))('%s imports to the same ops as its .edn twin', (_name, json) => {
    const fromJson = importJepsenJson(readFileSync(json, 'utf8'), json)
    const edn = json.replace(/\.json$/, '.edn')
    const fromEdn = importJepsenHistory(readFileSync(edn, 'utf8'), edn)
    expect(fromJson.length).toBeGreaterThan(0)
    expect(fromJson).toEqual(fromEdn)
  })
})

describe('op conversion', () => {
  /** One op as imported. A client completion follows an invocation of its process, as a history must have it. */
  const one = (edn: string): Op => {
    const process = /:process (\d+)/.exec(edn)?.[1]
    const completion = process !== undefined && !/:type :invoke/.test(edn)
    const ops = importJepsenHistory(completion ? `{:type :invoke, :process ${process}}\n${edn}` : edn, 'x.edn')
    expect(ops).toHaveLength(completion ? 2 : 1)
    const op = ops.at(-1) as Op
    // Index and position-as-time, without the invocation added above.
    return completion ? { ...op, index: op.index - 1, time: /:time/.test(edn) ? op.time : op.time - 1 } : op
  }

  it('converts a list-append op: micro-ops with keywords become plain arrays, f defaults to txn', () => {
    expect(one('{:index 7, :type :ok, :process 2, :value [[:append 5 1] [:r 5 [1 2]]]}')).toEqual({
      index: 0,
      time: 0,
      type: 'ok',
      process: 2,
      f: 'txn',
      value: [
        ['append', 5, 1],
        ['r', 5, [1, 2]],
      ],
    })
  })

  it('keeps time, converts nemesis processes, bank reads and transfers', () => {
    expect(one('{:type :info, :f :start, :process :nemesis, :time 5326396898, :index 169}')).toEqual({
      index: 0,
      time: 5326396898,
      type: 'info',
      process: 'nemesis',
      f: 'start',
      value: null,
    })
    expect(one('{:type :ok, :f :read, :process 0, :value {0 10, 1 10}}').value).toEqual({ '0': 10, '1': 10 })
    expect(one('{:type :invoke, :f :transfer, :value {:from 3, :to 0, :amount 1}, :process 4}').value).toEqual({ from: 3, to: 0, amount: 1 })
    expect(one('{:type :ok, :f :read, :process 0, :value #{1 2}}').value).toEqual([1, 2])
  })

  it('turns errors into strings and takes an exception message when there is no :error', () => {
    expect(one('{:type :fail, :f :release, :process 1, :error :not-held}').error).toBe('not-held')
    expect(one('{:type :info, :f :txn, :process 1, :error [:socket "Broken pipe"]}').error).toBe('["socket","Broken pipe"]')
    expect(one('{:type :info, :f :read, :process 0, :exception {:via [{:type java.sql.SQLException, :message "no route"}]}}').error).toBe('no route')
    expect(one('{:type :ok, :f :read, :process 0, :node "n1"}').node).toBe('n1')
  })

  it('uses the position as time when :time is absent, and renumbers index in file order', () => {
    const ops = importJepsenHistory('{:index 5 :type :invoke :process 0}\n{:index 9 :type :ok :process 0}\n{:index 12 :type :invoke :process 0 :time 77}', 'x.edn')
    expect(ops.map((op) => [op.index, op.time])).toEqual([
      [0, 0],
      [1, 1],
      [2, 77],
    ])
  })

  it('reads one map per line, one vector, and one list of ops alike', () => {
    const maps = '{:type :invoke, :f :read, :process 0}\n{:type :ok, :f :read, :process 0, :value 3}\n'
    const a = importJepsenHistory(maps, 'a.edn')
    expect(importJepsenHistory(`[${maps}]`, 'b.edn')).toEqual(a)
    expect(importJepsenHistory(`(${maps})`, 'c.edn')).toEqual(a)
    expect(a).toHaveLength(2)
  })

  it('a file with no processes reads as process 0', () => {
    expect(one('{:type :invoke, :f :read, :value [[:r 0 nil]]}').process).toBe(0)
  })
})

describe('malformed histories throw HistoryError with the line', () => {
  const errorOf = (text: string, importer = importJepsenHistory): HistoryError => {
    try {
      importer(text, 'h.edn')
    } catch (e) {
      if (e instanceof HistoryError) return e
      throw e
    }
    throw new Error('no error')
  }

  it.each([
    ['{:type :invoke :process 0}\n{:type :ok :process 0\n', 2, /not valid EDN: 2:1: unclosed/],
    ['{:type :invoke :process 0}\n\n{:type :done :process 0}', 3, /:type "done"/],
    ['[{:type :invoke :process 0}\n {:process 0}]', 2, /no :type/],
    ['{:type :invoke :process "n1"}', 1, /:process must be/],
    ['{:type :invoke :process 0 :time "soon"}', 1, /:time must be/],
    ['{:type :invoke}\n42', 2, /expected an operation map/],
    ['[{:type :invoke}\n', 1, /unclosed '\['/],
  ])('%j → line %i', (text, line, message) => {
    const e = errorOf(text)
    expect(e.line).toBe(line)
    expect(e.message).toMatch(message)
    expect(e.message.startsWith(`h.edn:${line}: `)).toBe(true)
    expect(e.code).toBe('E_HISTORY')
  })

  it('JSON: bad JSON, a non-array, and a bad op at its line', () => {
    expect(errorOf('[{"type":"invoke"', importJepsenJson).message).toMatch(/not valid JSON/)
    expect(errorOf('{"type":"invoke"}', importJepsenJson).message).toMatch(/JSON array/)
    const e = errorOf('[{"type":"invoke","process":0},\n{"type":"nope","process":0}]', importJepsenJson)
    expect(e.line).toBe(2)
  })

  it('the rules of validate.ts, where Jepsen\'s format gives them meaning: completions never invoked, second invocations, indices out of order', () => {
    const cases: [string, number, RegExp][] = [
      ['{:type :invoke :process 0 :f :read}\n{:type :ok :process 1 :f :read}', 2, /process 1 completes an operation \(ok read\) it never invoked/],
      ['{:type :invoke :process 0 :f :write :value 1}\n{:type :invoke :process 0 :f :write :value 2}', 2, /process 0 invokes again while its invocation on line 1 is still open/],
      ['{:index 3 :type :invoke :process 0}\n{:index 1 :type :ok :process 0}', 2, /records out of order: index 1 after index 3/],
      ['{:index 3 :type :invoke :process 0}\n{:index 3 :type :ok :process 0}', 2, /index 3 repeats the index of line 1/],
    ]
    for (const [text, line, message] of cases) {
      const e = errorOf(text)
      expect(e.line, text).toBe(line)
      expect(e.message, text).toMatch(message)
    }
    const json = errorOf('[{"type":"invoke","process":0,"f":"read"},\n {"type":"ok","process":0,"f":"read"},\n {"type":"ok","process":0,"f":"read"}]', importJepsenJson)
    expect(json.line).toBe(3)
    expect(json.message).toMatch(/never invoked/)
    // A lone completion is refused too (checkers crashed on it: "record 0").
    expect(errorOf('{:type :ok :process 0 :f :write :value 1}').message).toMatch(/^h\.edn:1: process 0 completes an operation \(ok write\) it never invoked/)
    // The nemesis completes without invoking; a file that names no process (hand-written Elle examples) has no process rule to break.
    expect(importJepsenHistory('{:type :invoke :process 0}\n{:type :info :process :nemesis :f :start}\n{:type :ok :process 0}', 'h.edn')).toHaveLength(3)
    expect(importJepsenHistory('{:type :ok :value [[:append 1 2]]}\n{:type :ok :value [[:r 1 [2]]]}', 'h.edn')).toHaveLength(2)
  })

  it('JSON: integers JSON.parse would round and values nested too deep, at their line', () => {
    const big = errorOf('[{"type":"invoke","process":0,"f":"write","value":1},\n {"type":"ok","process":0,"f":"write","value":9007199254740993}]', importJepsenJson)
    expect(big.line).toBe(2)
    expect(big.message).toMatch(/9007199254740993 is beyond/)
    const deep = errorOf(`[{"type":"invoke","process":0,"f":"write",\n"value":${'['.repeat(20_000)}${']'.repeat(20_000)}}]`, importJepsenJson)
    expect(deep.line).toBe(2)
    expect(deep.message).toMatch(/nested more than 64 levels/)
  })

  it('names the file', () => {
    expect(() => importJepsenHistory('{:type 1}', basename('/tmp/x/history.edn'))).toThrow(/^history\.edn:1: /)
  })
})
