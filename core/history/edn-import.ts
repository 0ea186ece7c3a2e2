/**
 * Jepsen, Knossos and Elle histories into dstest ops.
 *
 * A file is either op maps one after another (usually one per line) or one vector
 * or list holding them; elle-cli's `.json` twins are a JSON array of the same ops.
 * Each op map becomes an `Op`:
 *
 * - `:type` must be `:invoke`, `:ok`, `:fail` or `:info`;
 * - `:process` is an integer or `:nemesis` (→ 'nemesis'); a file without processes
 *   (some hand-written Elle examples) reads as process 0;
 * - `:f` as a string, `'txn'` when absent (Elle's list-append/rw-register files);
 * - `:value` as plain JSON-like data: keywords become strings
 *   (`[:append 5 1]` → `['append', 5, 1]`), maps become objects with string keys
 *   (a bank read `{0 10}` → `{ '0': 10 }`), sets become arrays; a map with
 *   non-scalar keys becomes an array of `[key, value]` entries; missing → null;
 * - `:time` in nanoseconds; when absent, the op's position in the file;
 * - `:index` is renumbered 0..n-1 in file order (Jepsen's own index is dropped,
 *   some files start at 1 or have gaps);
 * - `:error` as a string (a keyword loses its colon, anything else becomes JSON:
 *   `[:socket "Broken pipe"]` → `'["socket","Broken pipe"]'`); without `:error`,
 *   an `:exception` gives its first message;
 * - `:node` when it is a string. Other keys (`:op-index`, `:exception`, ...) are dropped.
 *
 * A malformed file throws `HistoryError` with the line of the offending op,
 * and so does a history that breaks the rules of ./validate.ts that Jepsen's
 * format gives meaning to (see `checkedOrder`).
 */
import { EdnError, EdnReader, type EdnValue } from '../edn.js'
import { HistoryError } from '../errors.js'
import type { Op, Process } from '../op.js'
import { HistoryOrder, jsonTextScan } from './validate.js'
import { isOpType } from '../op.js'

/** Reads a Jepsen `history.edn` (or a Knossos / Elle `.edn` history). */
export function importJepsenHistory(text: string, file: string): Op[] {
  const reader = new EdnReader(text)
  const records: ImportedRecord[] = []
  let line: number | undefined
  try {
    const readOp = (): void => {
      line = reader.position().line
      records.push(imported(reader.readForm(), records.length, file, line))
    }
    while (!reader.atEnd()) {
      if (reader.openSeq()) {
        while (!reader.closeSeq()) readOp()
      } else {
        readOp()
      }
    }
  } catch (e) {
    if (e instanceof EdnError) throw new HistoryError(file, e.line, `not valid EDN: ${e.message}`)
    throw e
  }
  return checkedOrder(records, file)
}

/** Reads elle-cli's JSON form of a Jepsen history: an array of op objects. */
export function importJepsenJson(text: string, file: string): Op[] {
  // What JSON.parse would hide or choke on: rounded integers, values nested too deep.
  const problem = jsonTextScan(text, 1)
  if (problem) throw new HistoryError(file, lineAt(text, problem.offset), problem.message)
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new HistoryError(file, jsonErrorLine(text, e), `not valid JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (!Array.isArray(data)) throw new HistoryError(file, 1, 'expected a JSON array of operations')
  const lines = elementLines(text)
  return checkedOrder(
    data.map((record, i) => imported(record as EdnValue, i, file, lines[i])),
    file,
  )
}

interface ImportedRecord {
  op: Op
  line: number | undefined
  /** Jepsen's own :index, when the record has one. */
  sourceIndex: number | undefined
  hasProcess: boolean
}

function imported(record: EdnValue, index: number, file: string, line: number | undefined): ImportedRecord {
  const op = toOp(record, index, file, line)
  const r = isRecord(record) ? record : {}
  const sourceIndex = typeof r['index'] === 'number' ? r['index'] : undefined
  return { op, line, sourceIndex, hasProcess: r['process'] !== undefined && r['process'] !== null }
}

/**
 * The rules of core/history/validate.ts, as far as Jepsen's format gives
 * them meaning: Jepsen's own indices never go back or repeat, and a process
 * completes only what it invoked and invokes one operation at a time. A file
 * that names no process at all (hand-written Elle examples, where every
 * record would be process 0) is checked for its indices only.
 */
function checkedOrder(records: readonly ImportedRecord[], file: string): Op[] {
  const order = new HistoryOrder({ processes: records.some((r) => r.hasProcess) })
  for (const r of records) {
    const problem = order.accept(r.op, r.sourceIndex, r.line ?? r.op.index + 1)
    if (problem) throw new HistoryError(file, r.line, problem)
  }
  return records.map((r) => r.op)
}

function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++
  return line
}

/** The line on which each element of a top-level JSON array starts. */
function elementLines(text: string): number[] {
  const lines: number[] = []
  let line = 1
  let depth = 0
  let inString = false
  let expecting = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\n') line++
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue
    if (depth === 1 && expecting && c !== ']') {
      lines.push(line)
      expecting = false
    }
    if (c === '"') inString = true
    else if (c === '[' || c === '{') {
      depth++
      if (depth === 1) expecting = true
    } else if (c === ']' || c === '}') depth--
    else if (c === ',' && depth === 1) expecting = true
  }
  return lines
}

function jsonErrorLine(text: string, e: unknown): number | undefined {
  const m = /position (\d+)/.exec(e instanceof Error ? e.message : '')
  if (!m) return undefined
  return text.slice(0, Number(m[1])).split('\n').length
}

function isRecord(x: unknown): x is Record<string, EdnValue> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Map)
}

function toOp(record: EdnValue, index: number, file: string, line: number | undefined): Op {
  const bad = (message: string): never => {
    throw new HistoryError(file, line, message)
  }
  if (!isRecord(record)) return bad(`expected an operation map like {:type :invoke, :f :read, ...}, found ${describe(record)}`)
  const type = record['type']
  if (!isOpType(type)) return bad(`operation has ${type === undefined ? 'no :type' : `:type ${describe(type)}`}; expected :invoke, :ok, :fail or :info`)
  const op: Op = {
    index,
    time: timeOf(record['time'], index, bad),
    type,
    process: processOf(record['process'], bad),
    f: record['f'] === undefined || record['f'] === null ? 'txn' : String(record['f']),
    value: record['value'] === undefined ? null : plain(record['value']),
  }
  if (typeof record['node'] === 'string') op.node = record['node']
  const error = errorOf(record)
  if (error !== undefined) op.error = error
  return op
}

function processOf(p: EdnValue | undefined, bad: (m: string) => never): Process {
  if (p === undefined || p === null) return 0
  if (p === 'nemesis') return 'nemesis'
  if (typeof p === 'number' && Number.isInteger(p) && p >= 0) return p
  return bad(`:process must be a non-negative integer or :nemesis, found ${describe(p)}`)
}

function timeOf(t: EdnValue | undefined, index: number, bad: (m: string) => never): number {
  if (t === undefined || t === null) return index
  if (typeof t === 'number' && Number.isFinite(t)) return t
  return bad(`:time must be a number of nanoseconds, found ${describe(t)}`)
}

function errorOf(record: Record<string, EdnValue>): string | undefined {
  const e = record['error']
  if (typeof e === 'string') return e
  if (e !== undefined && e !== null) return JSON.stringify(plain(e))
  const ex = record['exception']
  if (ex === undefined || ex === null) return undefined
  const via = isRecord(ex) ? ex['via'] : undefined
  const first = Array.isArray(via) ? via[0] : undefined
  const message = isRecord(first) ? first['message'] : isRecord(ex) ? ex['message'] : undefined
  return typeof message === 'string' ? message : 'exception'
}

/** EDN data as JSON-serialisable data: `Map`s (non-scalar keys) become entry arrays. */
function plain(v: EdnValue): unknown {
  if (v instanceof Map) return [...v].map(([k, x]) => [plain(k), plain(x)])
  if (Array.isArray(v)) return v.map(plain)
  if (isRecord(v)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: plain(x), enumerable: true, writable: true, configurable: true })
    return out
  }
  return v
}

function describe(v: unknown): string {
  const s = JSON.stringify(v instanceof Map ? [...v] : v) ?? String(v)
  return s.length > 80 ? `${s.slice(0, 77)}...` : s
}
