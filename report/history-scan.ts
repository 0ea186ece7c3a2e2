/**
 * One pass over a history.jsonl that reads only what the report draws: each
 * line's time, type, process and f (and, for nemesis lines, the value), with
 * no object built per line. A report of 10 M operations (20 M lines) must take
 * seconds, and `JSON.parse` alone of that many lines takes half a minute here
 * (bench/README.md "report"); so the bytes are read directly, the fields found
 * by their keys, and the rest of a client's line is not looked at.
 *
 * The report describes a history the check has already validated: a line whose
 * fields the scanner cannot read is parsed with `JSON.parse` instead, and
 * refused with its line number when it is not an operation. A torn last line
 * (the writer died mid-line) is dropped with a warning, as the reader does.
 */
import { HistoryError } from '../core/errors.js'
import { openHistoryForRead } from '../core/history/open-history.js'
import { isOpType, type Op, type OpType } from '../core/op.js'

/** What the scanner hands over for each line. Reused between lines: copy what you keep. */
export class ScannedOp {
  /** 0-based position of the line among the history's operations (`Op.index`). */
  index = 0
  /** Nanoseconds since the workload started. */
  time = 0
  type: OpType = 'invoke'
  process: number | 'nemesis' = 0
  f = ''
  /** Only for nemesis lines; undefined for client lines. */
  value: unknown = undefined
  /** Where the line is in the file (bytes), to read it again later. */
  offset = 0
  length = 0
  /** @internal the current block and the line's place in it */
  buffer: Buffer = Buffer.alloc(0)
  start = 0
  /** @internal where the line's "value" key should follow f, on a line laid out by the writer; -1 otherwise */
  afterF = -1

  /** The whole line, parsed (only while the line is being visited). */
  parse(): Op {
    return JSON.parse(this.buffer.toString('utf8', this.start, this.start + this.length)) as Op
  }

  /**
   * The line's value (only while the line is being visited). On a line laid
   * out by the writer only the value's own bytes are parsed (an integer by
   * hand), several times faster than the whole line: the sections that fold
   * every add and read of a long history read them so. Otherwise, or if the
   * value is not where the writer puts it, the whole line is parsed.
   */
  readValue(): unknown {
    const b = this.buffer
    const end = this.start + this.length
    const i = this.afterF
    if (i >= 0 && at(b, i, VALUE)) {
      const s = i + VALUE.length
      let e = -1
      try {
        e = skipValue(b, s, end)
      } catch (x) {
        if (!(x instanceof Unreadable)) throw x
      }
      if (e > s && (b[e] === COMMA || b[e] === CLOSE)) return valueOf(b, s, e)
    }
    return this.parse().value
  }
}

const VALUE = Buffer.from(',"value":')

/** The JSON value in b[s..e): a plain integer or null read by hand, anything else by JSON.parse. */
function valueOf(b: Buffer, s: number, e: number): unknown {
  let i = s
  const negative = b[i] === 0x2d
  if (negative) i++
  let n = 0
  const d0 = i
  while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) n = n * 10 + (b[i++]! - 0x30)
  // No leading zeros (not JSON) and exact: otherwise JSON.parse says what it is.
  if (i === e && i > d0 && e - d0 <= 15 && (b[d0] !== 0x30 || e - d0 === 1)) return negative ? -n : n
  if (e - s === 4 && bytesAre(b, s, e, 'null')) return null // every read's invocation
  return JSON.parse(b.toString('utf8', s, e))
}

const BLOCK = 4 << 20
const Q = 0x22 // "
const COLON = 0x3a
const COMMA = 0x2c
const CLOSE = 0x7d // }
const BACKSLASH = 0x5c

const TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info']

class Unreadable extends Error {}
const UNREADABLE = new Unreadable()

/**
 * Calls `visit` for every operation of the file, in order. `visit` may return
 * `false` to stop early. Returns the number of operations seen.
 */
export async function scanHistory(path: string, visit: (op: ScannedOp) => boolean | void, onWarning: (w: string) => void = () => {}): Promise<number> {
  const file = await openHistoryForRead(path)
  const op = new ScannedOp()
  const names = new StringTable()
  let count = 0
  let lineNo = 0
  let stopped = false
  let buffer = Buffer.allocUnsafe(BLOCK)
  let filled = 0
  /** File offset of buffer[0]. */
  let base = 0
  try {
    for (;;) {
      let bytesRead: number
      try {
        ;({ bytesRead } = await file.read(buffer, filled, buffer.length - filled, null))
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new HistoryError(path, undefined, 'is a folder, not a history file')
        throw e
      }
      const end = filled + bytesRead
      const last = bytesRead === 0
      let start = 0
      for (;;) {
        let nl = buffer.indexOf(10, start)
        if (nl === -1 || nl >= end) {
          if (!last || start >= end) break
          nl = end // the last line has no newline: it may be torn
        }
        lineNo++
        const torn = nl === end && last
        if (!isBlank(buffer, start, nl)) {
          op.value = undefined
          op.afterF = -1
          let read = false
          if (!torn) {
            read = readWriterLine(buffer, start, nl, op, names)
            if (!read) {
              try {
                readFields(buffer, start, nl, op, names)
                read = true
              } catch (e) {
                if (!(e instanceof Unreadable)) throw e
              }
            }
          }
          if (!read && !parseLine(buffer.toString('utf8', start, nl), op, path, lineNo, torn, onWarning)) {
            start = nl + 1
            continue
          }
          op.buffer = buffer
          op.start = start
          op.length = nl - start
          op.offset = base + start
          if (op.process === 'nemesis' && read) op.value = op.parse().value
          op.index = count++
          if (visit(op) === false) {
            stopped = true
            break
          }
        }
        start = nl + 1
      }
      if (stopped || last) break
      // Keep the unfinished line; grow the buffer when one line fills it.
      const rest = end - start
      if (rest === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2)
        buffer.copy(bigger, 0, 0, rest)
        buffer = bigger
      } else buffer.copy(buffer, 0, start, end)
      base += start
      filled = rest
    }
  } finally {
    await file.close()
  }
  return count
}

function isBlank(b: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i]! > 32) return false
  return true
}

/** The slow path: a whole `JSON.parse`, with the reader's checks. False: a torn last line, dropped. */
function parseLine(text: string, op: ScannedOp, path: string, lineNo: number, torn: boolean, onWarning: (w: string) => void): boolean {
  let x: unknown
  try {
    x = JSON.parse(text)
  } catch (e) {
    if (torn) {
      onWarning(`${path}:${lineNo}: ignored a torn last line (the writer stopped mid-line)`)
      return false
    }
    throw new HistoryError(path, lineNo, `not valid JSON (${(e as Error).message})`)
  }
  const o = x as Partial<Op> | null
  let problem: string | undefined
  if (typeof o !== 'object' || o === null || Array.isArray(o)) problem = 'not a JSON object'
  else if (!isOpType(o.type)) problem = `"type" must be invoke, ok, fail or info (got ${JSON.stringify(o.type)})`
  else if (typeof o.process !== 'number' && o.process !== 'nemesis') problem = '"process" must be a number or "nemesis"'
  else if (typeof o.f !== 'string') problem = '"f" must be a string'
  else if (typeof o.time !== 'number') problem = '"time" must be a number (ns since start)'
  if (problem) {
    if (torn) {
      onWarning(`${path}:${lineNo}: ignored a torn last line (${problem})`)
      return false
    }
    throw new HistoryError(path, lineNo, problem)
  }
  const ok = o as Op
  op.time = ok.time
  op.type = ok.type
  op.process = ok.process
  op.f = ok.f
  op.value = ok.process === 'nemesis' ? ok.value : undefined
  return true
}

const INDEX = Buffer.from('{"index":')
const TIME = Buffer.from(',"time":')
const TYPE = Buffer.from(',"type":"')
const PROCESS = Buffer.from('","process":')
const F = Buffer.from(',"f":"')

/** `b[i..]` starts with `prefix`. */
function at(b: Buffer, i: number, prefix: Buffer): boolean {
  for (let k = 0; k < prefix.length; k++) if (b[i + k] !== prefix[k]) return false
  return true
}

/**
 * The fastest path, for the lines dstest's own writer makes (JSON.stringify of
 * an Op: index, time, type, process, f, then the rest, never looked at):
 * fixed byte prefixes, no key search. False when the line is laid out in any
 * other way; the general reader below then takes it.
 */
function readWriterLine(b: Buffer, s: number, e: number, op: ScannedOp, names: StringTable): boolean {
  if (!at(b, s, INDEX)) return false
  let i = s + INDEX.length
  while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) i++
  if (!at(b, i, TIME)) return false
  i += TIME.length
  let n = 0
  const t0 = i
  while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) n = n * 10 + (b[i++]! - 0x30)
  if (i === t0 || n > Number.MAX_SAFE_INTEGER || !at(b, i, TYPE)) return false
  i += TYPE.length
  const c = b[i]
  let type: OpType
  if (c === 0x6f && b[i + 1] === 0x6b) type = 'ok'
  else if (c === 0x69 && b[i + 1] === 0x6e && b[i + 2] === 0x76) type = 'invoke'
  else if (c === 0x69 && b[i + 1] === 0x6e && b[i + 2] === 0x66) type = 'info'
  else if (c === 0x66 && b[i + 1] === 0x61) type = 'fail'
  else return false
  i += type.length
  if (!at(b, i, PROCESS)) return false
  // Also rules out types that merely start like one ("okay"): the quote must follow.
  if (!bytesAre(b, i - type.length, i, type)) return false
  i += PROCESS.length
  let process: number | 'nemesis'
  if (b[i] === Q) {
    if (!bytesAre(b, i, i + 9, '"nemesis"')) return false
    process = 'nemesis'
    i += 9
  } else {
    let p = 0
    const p0 = i
    while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) p = p * 10 + (b[i++]! - 0x30)
    if (i === p0 || p > Number.MAX_SAFE_INTEGER) return false
    process = p
  }
  if (!at(b, i, F)) return false
  i += F.length
  const f0 = i
  while (i < e && b[i] !== Q) {
    if (b[i] === BACKSLASH) return false
    i++
  }
  if (i >= e) return false
  op.time = n
  op.type = type
  op.process = process
  op.f = names.get(b, f0, i)
  op.afterF = i + 1
  return true
}

/**
 * The fast path: finds "time", "type", "process" and "f" among the top-level
 * keys and stops once it has them (a client line's value is never read).
 * Throws UNREADABLE for anything unusual (escapes, odd spacing, other types):
 * the caller then parses the line whole.
 */
function readFields(b: Buffer, s: number, e: number, op: ScannedOp, names: StringTable): void {
  let i = s
  if (b[i] !== 0x7b) throw UNREADABLE // {
  i++
  let need = 4 // time, type, process, f
  while (need > 0) {
    if (b[i] !== Q) throw UNREADABLE
    const k = i + 1
    let j = k
    while (j < e && b[j] !== Q) j++
    if (j >= e || b[j + 1] !== COLON) throw UNREADABLE
    i = j + 2
    const len = j - k
    // Dispatch on length and a letter, then confirm the whole key.
    if (len === 4 && b[k + 1] === 0x69 && bytesAre(b, k, j, 'time')) {
      op.time = readNumber(b, i, e)
      i = numberEnd
      need--
    } else if (len === 4 && bytesAre(b, k, j, 'type')) {
      if (b[i] !== Q) throw UNREADABLE
      let t = i + 1
      while (t < e && b[t] !== Q) t++
      let type: OpType | undefined
      for (const name of TYPES) if (bytesAre(b, i + 1, t, name)) type = name
      if (type === undefined) throw UNREADABLE
      op.type = type
      i = t + 1
      need--
    } else if (len === 7 && bytesAre(b, k, j, 'process')) {
      if (b[i] === Q) {
        if (!bytesAre(b, i, i + 9, '"nemesis"')) throw UNREADABLE
        op.process = 'nemesis'
        i += 9
      } else {
        op.process = readNumber(b, i, e)
        i = numberEnd
      }
      need--
    } else if (len === 1 && b[k] === 0x66) {
      if (b[i] !== Q) throw UNREADABLE
      let t = i + 1
      while (t < e && b[t] !== Q) {
        if (b[t] === BACKSLASH) throw UNREADABLE
        t++
      }
      if (t >= e) throw UNREADABLE
      op.f = names.get(b, i + 1, t)
      i = t + 1
      need--
    } else i = skipValue(b, i, e)
    if (b[i] === COMMA) i++
    else if (b[i] === CLOSE) break
    else throw UNREADABLE
  }
  if (need > 0) throw UNREADABLE
}

function bytesAre(b: Buffer, s: number, e: number, text: string): boolean {
  if (e - s !== text.length) return false
  for (let i = 0; i < text.length; i++) if (b[s + i] !== text.charCodeAt(i)) return false
  return true
}

/** Where the last number read by `readNumber` ended. */
let numberEnd = 0

/** Reads the JSON number at `i`; its end goes to `numberEnd`. */
function readNumber(b: Buffer, i: number, e: number): number {
  let j = i
  let n = 0
  let simple = true
  if (b[j] === 0x2d) {
    simple = false
    j++
  }
  for (; j < e; j++) {
    const c = b[j]!
    if (c >= 0x30 && c <= 0x39) n = n * 10 + (c - 0x30)
    else if (c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) simple = false
    else break
  }
  if (j === i) throw UNREADABLE
  const value = simple && n <= Number.MAX_SAFE_INTEGER ? n : Number(b.toString('latin1', i, j))
  if (!Number.isFinite(value)) throw UNREADABLE
  numberEnd = j
  return value
}

/** Skips one JSON value starting at `i` (strings with escapes, nested arrays and objects). */
function skipValue(b: Buffer, i: number, e: number): number {
  let depth = 0
  for (; i < e; i++) {
    const c = b[i]!
    if (c === Q) {
      i++
      while (i < e && b[i] !== Q) i += b[i] === BACKSLASH ? 2 : 1
      if (i >= e) throw UNREADABLE
      if (depth === 0) return i + 1
    } else if (c === 0x5b || c === 0x7b) depth++
    else if (c === 0x5d || c === CLOSE) {
      if (depth === 0) return i // the end of the enclosing object
      depth--
      if (depth === 0) return i + 1
    } else if (depth === 0 && c === COMMA) return i
  }
  throw UNREADABLE
}

/** Interns the few distinct `f` names, so no string is made per line. */
class StringTable {
  private readonly byHash = new Map<number, { bytes: Uint8Array; text: string }[]>()

  get(b: Buffer, s: number, e: number): string {
    const n = e - s
    let h = n
    for (let i = s; i < e; i++) h = (Math.imul(h, 31) + b[i]!) | 0
    let list = this.byHash.get(h)
    if (list) {
      for (const entry of list) if (sameBytes(entry.bytes, b, s, n)) return entry.text
    } else this.byHash.set(h, (list = []))
    const bytes = Uint8Array.from(b.subarray(s, e))
    const text = b.toString('utf8', s, e)
    list.push({ bytes, text })
    return text
  }
}

function sameBytes(a: Uint8Array, b: Buffer, s: number, n: number): boolean {
  if (a.length !== n) return false
  for (let i = 0; i < n; i++) if (a[i] !== b[s + i]) return false
  return true
}
