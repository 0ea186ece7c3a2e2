/**
 * A small EDN reader (https://github.com/edn-format/edn), enough for Jepsen,
 * Knossos and Elle histories and written for them: values come out as plain,
 * JSON-serialisable JavaScript wherever EDN allows it.
 *
 * | EDN                           | JavaScript                                              |
 * |-------------------------------|---------------------------------------------------------|
 * | `nil`, `true`, `false`        | `null`, `true`, `false`                                 |
 * | `42`, `-7`, `42N`             | number; beyond ±2^53 the digits as a string (no BigInt) |
 * | `1.5`, `1e3`, `1.5M`, `22/7`  | number (a ratio is divided out)                         |
 * | `##Inf`, `##-Inf`, `##NaN`    | `Infinity`, `-Infinity`, `NaN`                          |
 * | `"a\nb"`, `\a`, `\newline`    | string (a character is a one-character string)          |
 * | `:type`, `:ns/name`           | `'type'`, `'ns/name'` (keywords lose the colon)         |
 * | `foo`, `java.lang.Exception`  | string (symbols too)                                    |
 * | `[..]`, `(..)`                | array                                                   |
 * | `#{..}`                       | array, in the order written                             |
 * | `{..}` keys all keywords, strings, symbols or numbers | plain object; number keys become strings, as in JSON (`{0 10}` → `{ '0': 10 }`) |
 * | `{..}` with other keys (vectors, maps, nil, ...) | `Map`                                  |
 * | `#inst "..."`, `#my/tag v`    | the tagged value `v` (the tag is dropped)               |
 * | `#_ form`, `; comment`, `,`   | skipped                                                 |
 *
 * Errors are `EdnError`s that say where: `line:column: what is wrong`.
 */

export type EdnValue = null | boolean | number | string | EdnValue[] | EdnMap | Map<EdnValue, EdnValue>
export interface EdnMap {
  [key: string]: EdnValue
}

export class EdnError extends Error {
  readonly line: number
  readonly column: number
  constructor(line: number, column: number, message: string) {
    super(`${line}:${column}: ${message}`)
    this.name = 'EdnError'
    this.line = line
    this.column = column
  }
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' }

const CHAR_NAMES: Record<string, string> = {
  newline: '\n',
  space: ' ',
  tab: '\t',
  return: '\r',
  backspace: '\b',
  formfeed: '\f',
}

const STRING_ESCAPES: Record<string, string> = { t: '\t', r: '\r', n: '\n', b: '\b', f: '\f', '\\': '\\', '"': '"' }

function isWhitespace(c: string): boolean {
  return c === ' ' || c === ',' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v'
}

/** Ends a token (symbol, keyword, number, tag). */
function isDelimiter(c: string): boolean {
  return isWhitespace(c) || '()[]{}";\\'.includes(c)
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9'
}

/**
 * Reads EDN forms one at a time from a text, keeping track of where it is so that
 * callers (the history importer) can report the line of each form. `openSeq` and
 * `closeSeq` let a caller walk the elements of a top-level vector one by one
 * instead of reading the whole vector at once.
 */
/** Histories nest a few levels (an op map, a transaction, a micro-op, a read list). */
export const MAX_EDN_DEPTH = 64

export class EdnReader {
  private pos = 0
  // Line bookkeeping, advanced lazily and monotonically by `position()`.
  private lineAt = 0
  private line = 1
  private lineStart = 0
  private readonly open: { closer: string; at: number }[] = []
  /** Collections being read now: deeper forms are refused, never a stack overflow. */
  private depth = 0

  constructor(private readonly text: string) {}

  /** Line and column (1-based) of the next form, after skipping whitespace and comments. */
  position(): { line: number; column: number } {
    this.skip()
    return this.where(this.pos)
  }

  /** True when only whitespace, comments and discarded forms remain. */
  atEnd(): boolean {
    this.skip()
    return this.pos >= this.text.length
  }

  /** If the next form is a vector or list, enter it and return true. */
  openSeq(): boolean {
    this.skip()
    const c = this.text[this.pos]
    if (c !== '[' && c !== '(') return false
    this.open.push({ closer: CLOSERS[c] as string, at: this.pos })
    this.pos++
    return true
  }

  /** Inside a sequence entered with `openSeq`: true (and leaves it) when its end is next. */
  closeSeq(): boolean {
    const seq = this.open.at(-1)
    if (!seq) throw new Error('EdnReader.closeSeq without openSeq')
    this.skip()
    if (this.pos >= this.text.length) this.fail(seq.at, `unclosed '${this.text[seq.at]}': end of input before '${seq.closer}'`)
    if (this.text[this.pos] !== seq.closer) return false
    this.pos++
    this.open.pop()
    return true
  }

  /** The next form. */
  readForm(): EdnValue {
    this.skip()
    const start = this.pos
    const c = this.text[start]
    if (c === undefined) this.fail(start, 'unexpected end of input')
    switch (c) {
      case '[':
        return this.readSeqBetween(start, ']')
      case '(':
        return this.readSeqBetween(start, ')')
      case '{':
        return this.readMap(start)
      case ')':
      case ']':
      case '}':
        return this.fail(start, `unexpected '${c}'`)
      case '"':
        return this.readString(start)
      case ':':
        return this.readKeyword(start)
      case '\\':
        return this.readChar(start)
      case '#':
        return this.readDispatch(start)
    }
    const next = this.text[start + 1]
    if (isDigit(c) || ((c === '+' || c === '-') && isDigit(next))) return this.readNumber(start)
    return this.readSymbol(start)
  }

  private readMap(start: number): EdnMap | Map<EdnValue, EdnValue> {
    const forms = this.readSeqBetween(start, '}')
    if (forms.length % 2 !== 0) this.fail(start, 'a map needs an even number of forms (a value for every key)')
    let plain = true
    for (let i = 0; i < forms.length; i += 2) {
      const k = forms[i]
      if (typeof k !== 'string' && typeof k !== 'number') plain = false
    }
    if (!plain) {
      const m = new Map<EdnValue, EdnValue>()
      for (let i = 0; i < forms.length; i += 2) m.set(forms[i] as EdnValue, forms[i + 1] as EdnValue)
      return m
    }
    const obj: EdnMap = {}
    for (let i = 0; i < forms.length; i += 2) {
      const key = String(forms[i])
      if (Object.prototype.hasOwnProperty.call(obj, key)) this.fail(start, `duplicate key ${JSON.stringify(key)} in map`)
      // defineProperty: a key named __proto__ is data, not the prototype.
      Object.defineProperty(obj, key, { value: forms[i + 1], enumerable: true, writable: true, configurable: true })
    }
    return obj
  }

  private readSeqBetween(start: number, closer: string): EdnValue[] {
    const opener = this.text[start]
    if (++this.depth > MAX_EDN_DEPTH) this.fail(start, `forms are nested more than ${MAX_EDN_DEPTH} levels deep`)
    try {
      return this.readItems(start, opener, closer)
    } finally {
      this.depth--
    }
  }

  private readItems(start: number, opener: string | undefined, closer: string): EdnValue[] {
    this.pos = start + (opener === '#' ? 2 : 1)
    const items: EdnValue[] = []
    while (true) {
      this.skip()
      if (this.pos >= this.text.length) this.fail(start, `unclosed '${opener === '#' ? '#{' : opener}': end of input before '${closer}'`)
      const c = this.text[this.pos] as string
      if (c === closer) {
        this.pos++
        return items
      }
      if (c === ')' || c === ']' || c === '}') this.fail(this.pos, `expected '${closer}' to close the form at ${this.at(start)}, found '${c}'`)
      items.push(this.readForm())
    }
  }

  private readString(start: number): string {
    const t = this.text
    let i = start + 1
    let out = ''
    let chunk = i
    while (true) {
      if (i >= t.length) this.fail(start, 'unterminated string')
      const c = t[i] as string
      if (c === '"') {
        out += t.slice(chunk, i)
        this.pos = i + 1
        return out
      }
      if (c !== '\\') {
        i++
        continue
      }
      out += t.slice(chunk, i)
      const e = t[i + 1]
      if (e === undefined) this.fail(start, 'unterminated string')
      if (e === 'u') {
        const hex = t.slice(i + 2, i + 6)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(i, `bad unicode escape '\\u${hex}'`)
        out += String.fromCharCode(parseInt(hex, 16))
        i += 6
      } else if (STRING_ESCAPES[e] !== undefined) {
        out += STRING_ESCAPES[e]
        i += 2
      } else {
        this.fail(i, `unknown escape '\\${e}' in string`)
      }
      chunk = i
    }
  }

  private token(start: number): string {
    let i = start
    while (i < this.text.length && !isDelimiter(this.text[i] as string)) i++
    this.pos = i
    return this.text.slice(start, i)
  }

  private readKeyword(start: number): string {
    const name = this.token(start + 1)
    if (name === '' || name.startsWith(':') || name.endsWith('/')) this.fail(start, `invalid keyword ':${name}'`)
    return name
  }

  private readSymbol(start: number): EdnValue {
    const name = this.token(start)
    if (name === '') this.fail(start, `unexpected '${this.text[start]}'`)
    if (name === 'nil') return null
    if (name === 'true') return true
    if (name === 'false') return false
    return name
  }

  private readChar(start: number): string {
    const first = this.text[start + 1]
    if (first === ',' || (first !== undefined && isDelimiter(first) && !isWhitespace(first))) {
      this.pos = start + 2 // \( \] \" \\ \; \,
      return first
    }
    if (first === undefined || isWhitespace(first)) this.fail(start, 'a backslash must be followed by a character')
    const name = this.token(start + 1)
    if (name.length === 1) return name
    const named = CHAR_NAMES[name]
    if (named !== undefined) return named
    if (/^u[0-9a-fA-F]{4}$/.test(name)) return String.fromCharCode(parseInt(name.slice(1), 16))
    return this.fail(start, `unknown character literal '\\${name}'`)
  }

  private readNumber(start: number): number | string {
    const tok = this.token(start)
    let m = /^([+-]?)(\d+)N?$/.exec(tok)
    if (m) {
      const n = Number(tok.replace(/N$/, ''))
      return Number.isSafeInteger(n) ? n : `${m[1] === '-' ? '-' : ''}${(m[2] as string).replace(/^0+(?=\d)/, '')}`
    }
    if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(tok)) return Number(tok.replace(/M$/, ''))
    m = /^([+-]?\d+)\/(\d+)$/.exec(tok)
    if (m) {
      const den = Number(m[2])
      if (den === 0) this.fail(start, `ratio with a zero denominator '${tok}'`)
      return Number(m[1]) / den
    }
    return this.fail(start, `invalid number '${tok}'`)
  }

  private readDispatch(start: number): EdnValue {
    const c = this.text[start + 1]
    if (c === '{') return this.readSeqBetween(start, '}')
    if (c === '#') {
      const name = this.token(start + 2)
      if (name === 'Inf') return Infinity
      if (name === '-Inf') return -Infinity
      if (name === 'NaN') return NaN
      return this.fail(start, `unknown symbolic value '##${name}'`)
    }
    if (c !== undefined && /[A-Za-z]/.test(c)) {
      // A tagged element (#inst "...", #uuid "...", #my.ns/Record {...}): keep the value.
      this.token(start + 1)
      if (this.atEnd()) this.fail(start, `tag '${this.text.slice(start, this.pos)}' has no value`)
      return this.readForm()
    }
    // '#_' never gets here: skip() discards it as whitespace.
    return this.fail(start, `unsupported dispatch '#${c ?? ''}'`)
  }

  /** Skips whitespace, commas, comments and `#_` discarded forms. */
  private skip(): void {
    const t = this.text
    while (this.pos < t.length) {
      const c = t[this.pos] as string
      if (isWhitespace(c)) {
        this.pos++
      } else if (c === ';') {
        const nl = t.indexOf('\n', this.pos)
        this.pos = nl < 0 ? t.length : nl + 1
      } else if (c === '#' && t[this.pos + 1] === '_') {
        const at = this.pos
        this.pos += 2
        this.skip()
        const next = t[this.pos]
        if (next === undefined || next === ')' || next === ']' || next === '}') this.fail(at, "'#_' has no form to discard")
        this.readForm()
      } else {
        return
      }
    }
  }

  private where(pos: number): { line: number; column: number } {
    if (pos < this.lineAt) {
      this.lineAt = 0
      this.line = 1
      this.lineStart = 0
    }
    const t = this.text
    for (let i = this.lineAt; i < pos; i++) {
      if (t.charCodeAt(i) === 10) {
        this.line++
        this.lineStart = i + 1
      }
    }
    this.lineAt = pos
    return { line: this.line, column: pos - this.lineStart + 1 }
  }

  private at(pos: number): string {
    const { line, column } = this.where(pos)
    return `${line}:${column}`
  }

  private fail(pos: number, message: string): never {
    const { line, column } = this.where(pos)
    throw new EdnError(line, column, message)
  }
}

/** The top-level forms of `text`, read lazily one after another. */
export function* readEdnForms(text: string): Generator<EdnValue, void, undefined> {
  const reader = new EdnReader(text)
  while (!reader.atEnd()) yield reader.readForm()
}

/** All top-level forms of `text`. */
export function readEdnAll(text: string): EdnValue[] {
  return [...readEdnForms(text)]
}

/** The single form in `text` (an error if there is none or more than one). */
export function readEdn(text: string): EdnValue {
  const reader = new EdnReader(text)
  if (reader.atEnd()) throw new EdnError(1, 1, 'no form to read')
  const value = reader.readForm()
  if (!reader.atEnd()) {
    const { line, column } = reader.position()
    throw new EdnError(line, column, 'more than one form; use readEdnForms to read several')
  }
  return value
}
