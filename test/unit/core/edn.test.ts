import { describe, expect, it } from 'vitest'
import { EdnError, EdnReader, readEdn, readEdnAll, readEdnForms, MAX_EDN_DEPTH } from '../../../core/edn.js'

describe('EDN scalars', () => {
  it('reads nil, booleans and symbols', () => {
    expect(readEdnAll('nil true false foo java.lang.Exception my.ns/sym + - ...')).toEqual([
      null,
      true,
      false,
      'foo',
      'java.lang.Exception',
      'my.ns/sym',
      '+',
      '-',
      '...',
    ])
  })

  it('reads keywords without the colon, namespaced ones as ns/name', () => {
    expect(readEdnAll(':invoke :not-held :jepsen.history/op :a?')).toEqual(['invoke', 'not-held', 'jepsen.history/op', 'a?'])
  })

  it('reads integers, keeping beyond-2^53 ones as strings', () => {
    expect(readEdnAll('0 42 -7 +3 42N 9007199254740991 99286665244')).toEqual([0, 42, -7, 3, 42, 9007199254740991, 99286665244])
    expect(readEdn('123456789012345678901234567890')).toBe('123456789012345678901234567890')
    expect(readEdn('-123456789012345678901234567890N')).toBe('-123456789012345678901234567890')
  })

  it('reads floats, ratios and the symbolic values', () => {
    expect(readEdnAll('1.5 -0.25 1e3 2.5E-2 1.5M 3. 22/7 -1/2')).toEqual([1.5, -0.25, 1000, 0.025, 1.5, 3, 22 / 7, -0.5])
    expect(readEdnAll('##Inf ##-Inf')).toEqual([Infinity, -Infinity])
    expect(readEdn('##NaN')).toBeNaN()
  })

  it('reads strings with escapes', () => {
    expect(readEdn('"a\\tb\\nc\\\\d\\"e\\u00e9\\r\\b\\f"')).toBe('a\tb\nc\\d"e\u00e9\r\b\f')
    expect(readEdn('"multi\nline"')).toBe('multi\nline')
    expect(readEdn('""')).toBe('')
  })

  it('reads character literals as one-character strings', () => {
    expect(readEdnAll('\\a \\Z \\newline \\space \\tab \\return \\u0041 \\( \\] \\\\ \\,')).toEqual([
      'a',
      'Z',
      '\n',
      ' ',
      '\t',
      '\r',
      'A',
      '(',
      ']',
      '\\',
      ',',
    ])
    expect(readEdn('[\\a\\b]')).toEqual(['a', 'b'])
  })
})

describe('EDN collections', () => {
  it('reads vectors and lists as arrays, nested', () => {
    expect(readEdn('[1 (2 [3]) ()]')).toEqual([1, [2, [3]], []])
    expect(readEdn('[[:append 5 1] [:r 5 nil]]')).toEqual([
      ['append', 5, 1],
      ['r', 5, null],
    ])
  })

  it('reads maps with keyword, string and number keys as plain objects', () => {
    expect(readEdn('{:type :ok, :value {0 10, 1 20}, "s" 1}')).toEqual({ type: 'ok', value: { '0': 10, '1': 20 }, s: 1 })
    expect(readEdn('{}')).toEqual({})
    const o = readEdn('{:__proto__ 1}') as Record<string, unknown>
    expect(Object.keys(o)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype)
  })

  it('reads maps with other keys as Map', () => {
    const m = readEdn('{[1 2] :a, nil :b}')
    expect(m).toBeInstanceOf(Map)
    expect([...(m as Map<unknown, unknown>)]).toEqual([
      [[1, 2], 'a'],
      [null, 'b'],
    ])
  })

  it('reads sets as arrays in written order', () => {
    expect(readEdn('#{3 1 2}')).toEqual([3, 1, 2])
    expect(readEdn('#{}')).toEqual([])
  })

  it('treats commas as whitespace', () => {
    expect(readEdn('[1,2,,3 ,]')).toEqual([1, 2, 3])
  })
})

describe('EDN comments, discard, tags', () => {
  it('skips ; comments', () => {
    expect(readEdnAll('; a comment\n1 ; another\n[2 ; inside\n 3]')).toEqual([1, [2, 3]])
  })

  it('discards the form after #_, also nested and at the end', () => {
    expect(readEdn('[1 #_2 3 #_[4 5]]')).toEqual([1, 3])
    expect(readEdn('[#_ #_ 1 2 3]')).toEqual([3])
    expect(readEdnAll('1 #_2')).toEqual([1])
    expect(readEdn('{:a 1 #_:b #_2}')).toEqual({ a: 1 })
  })

  it('keeps the value of tagged literals', () => {
    expect(readEdn('#inst "2020-01-01T00:00:00.000-00:00"')).toBe('2020-01-01T00:00:00.000-00:00')
    expect(readEdn('#uuid"f81d4fae-7dec-11d0-a765-00a0c91e6bf6"')).toBe('f81d4fae-7dec-11d0-a765-00a0c91e6bf6')
    expect(readEdn('#jepsen.history.Op{:index 0, :type :invoke}')).toEqual({ index: 0, type: 'invoke' })
    expect(readEdn('#my/tag [1 2]')).toEqual([1, 2])
  })
})

describe('readEdnForms', () => {
  it('streams top-level forms lazily, one map per line', () => {
    const it = readEdnForms('{:a 1}\n{:a 2}\n{:a 3')
    expect(it.next().value).toEqual({ a: 1 })
    expect(it.next().value).toEqual({ a: 2 })
    expect(() => it.next()).toThrow(EdnError) // only the third form is bad
  })

  it('reads a file that is one vector of maps as one form', () => {
    expect(readEdnAll('[{:a 1}\n {:a 2}]')).toEqual([[{ a: 1 }, { a: 2 }]])
    expect(readEdnAll('  \n ; nothing\n')).toEqual([])
  })

  it('lets a caller walk the elements of a top-level vector with their positions', () => {
    const r = new EdnReader('[{:a 1}\n {:a 2}]')
    expect(r.openSeq()).toBe(true)
    const seen: [unknown, number, number][] = []
    while (!r.closeSeq()) {
      const { line, column } = r.position()
      seen.push([r.readForm(), line, column])
    }
    expect(seen).toEqual([
      [{ a: 1 }, 1, 2],
      [{ a: 2 }, 2, 2],
    ])
    expect(r.atEnd()).toBe(true)
  })

  it('readEdn wants exactly one form', () => {
    expect(() => readEdn('1 2')).toThrow(/2:|1:3: more than one form/)
    expect(() => readEdn('  ')).toThrow(/no form/)
  })
})

describe('EDN errors say line:column', () => {
  const errorOf = (text: string): EdnError => {
    try {
      readEdnAll(text)
    } catch (e) {
      if (e instanceof EdnError) return e
      throw e
    }
    throw new Error(`no error reading ${text}`)
  }

  it.each([
    ['{:a 1}\n{:a 2\n', 2, 1, /unclosed '\{'/],
    ['[1 2\n 3}', 2, 3, /expected '\]'.*found '\}'/],
    ['{:a 1}\n  )', 2, 3, /unexpected '\)'/],
    ['"abc', 1, 1, /unterminated string/],
    ['\n "a\\qb"', 2, 4, /unknown escape '\\q'/],
    ['{:a}', 1, 1, /even number of forms/],
    ['{:a 1 :a 2}', 1, 1, /duplicate key "a"/],
    ['1.2.3', 1, 1, /invalid number '1.2.3'/],
    ['12abc', 1, 1, /invalid number/],
    ['1/0', 1, 1, /zero denominator/],
    ['\\foo', 1, 1, /unknown character literal/],
    ['#"re"', 1, 1, /unsupported dispatch '#"'/],
    ['##Foo', 1, 1, /unknown symbolic value/],
    ['[1 #_]', 1, 4, /'#_' has no form/],
    [':', 1, 1, /invalid keyword/],
    ['#inst', 1, 1, /has no value/],
    ['"\\u12"', 1, 2, /bad unicode escape/],
  ])('%j → %i:%i', (text, line, column, message) => {
    const e = errorOf(text)
    expect(e.message).toMatch(message)
    expect([e.line, e.column]).toEqual([line, column])
    expect(e.message.startsWith(`${line}:${column}: `)).toBe(true)
  })
})

describe('EDN nesting', () => {
  it('reads forms nested to the limit and refuses deeper ones with their position, never overflowing the stack', () => {
    const nest = (d: number): string => `${'['.repeat(d)}${']'.repeat(d)}`
    expect(() => new EdnReader(nest(MAX_EDN_DEPTH)).readForm()).not.toThrow()
    expect(() => new EdnReader(nest(20_000)).readForm()).toThrow(EdnError)
    expect(() => new EdnReader(nest(20_000)).readForm()).toThrow(/nested more than 64 levels/)
  })
})
