/**
 * history.jsonl: one Op per line. The writer appends while the test runs and
 * flushes at least once a second and on every stop path, so a crash or Ctrl-C
 * leaves a checkable history. The reader streams the file once, in chunks, and
 * reports a malformed line with its line number (validate.ts says what else
 * is refused: rounded integers, deep values, records out of order, completions
 * never invoked); a torn last line (the writer died mid-line) is dropped with a
 * warning.
 */
import { closeSync, fstatSync, fsyncSync, openSync, writeSync } from 'node:fs'
import { HistoryError } from '../errors.js'
import { openHistoryForRead } from './open-history.js'
import { isOpType, type Op } from '../op.js'
import type { HistoryPositions } from './positions.js'
import { HistoryOrder, jsonTextProblem } from './validate.js'

export interface HistoryWriterOptions {
  /** Flush at least this often (ms). */
  flushIntervalMs?: number
  /** Flush early once this many bytes are buffered. */
  maxBufferBytes?: number
  /** Note where the ops' lines start (see positions.ts), so the file can be read again in parts. */
  positions?: HistoryPositions
}

export class HistoryWriter {
  readonly path: string
  private fd: number | undefined
  private chunks: string[] = []
  private buffered = 0
  private timer: NodeJS.Timeout | undefined
  private readonly maxBufferBytes: number
  private count = 0
  /** The file's length once everything appended is written: where the next line starts. */
  private bytes: number
  private readonly positions: HistoryPositions | undefined

  constructor(path: string, options: HistoryWriterOptions = {}) {
    this.path = path
    this.fd = openSync(path, 'a')
    this.bytes = fstatSync(this.fd).size
    // Positions count from the file's first op: only a writer that starts it can note them.
    this.positions = this.bytes === 0 ? options.positions : undefined
    this.maxBufferBytes = options.maxBufferBytes ?? 1 << 16
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 500)
    this.timer.unref()
  }

  get written(): number {
    return this.count
  }

  append(op: Op): void {
    if (this.fd === undefined) throw new Error(`history ${this.path} is already closed`)
    const line = JSON.stringify(op) + '\n'
    this.chunks.push(line)
    this.buffered += line.length
    this.positions?.note(this.count, this.bytes)
    if (this.positions) this.bytes += Buffer.byteLength(line)
    this.count++
    if (this.buffered >= this.maxBufferBytes) this.flush()
  }

  /** Writes what is buffered. Synchronous, so it is safe in exit and signal handlers. */
  flush(): void {
    if (this.fd === undefined || this.chunks.length === 0) return
    const data = this.chunks.join('')
    this.chunks = []
    this.buffered = 0
    writeSync(this.fd, data)
  }

  /** Flushes, fsyncs and closes. Idempotent. */
  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (this.fd === undefined) return
    this.flush()
    try {
      fsyncSync(this.fd)
    } finally {
      closeSync(this.fd)
      this.fd = undefined
    }
  }
}

const READ_BLOCK = 4 << 20

export interface ReadHistoryResult {
  history: Op[]
  warnings: string[]
}

/** Validates one parsed line as an Op; returns an error message or undefined. */
function problemWith(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'not a JSON object'
  const o = x as Record<string, unknown>
  if (!isOpType(o.type)) return `"type" must be invoke, ok, fail or info (got ${JSON.stringify(o.type)})`
  if (typeof o.process !== 'number' && o.process !== 'nemesis') return `"process" must be a number or "nemesis"`
  if (typeof o.f !== 'string') return `"f" must be a string`
  if (typeof o.time !== 'number') return `"time" must be a number (ns since start)`
  return undefined
}

/**
 * Reads a history.jsonl file in one streaming pass, as blocks of ops in file
 * order (one block per few MB read), so a caller can fold over a history of any
 * length without holding it: `for await (const ops of streamHistoryJsonl(p)) ...`.
 * Lines are renumbered `index` 0..n-1 in file order (a history is its order).
 * A torn last line is dropped and reported through `onWarning`. With
 * `positions`, notes where the ops' lines start.
 */
export async function* streamHistoryJsonl(
  path: string,
  onWarning: (w: string) => void = () => {},
  positions?: HistoryPositions,
): AsyncGenerator<Op[]> {
  let block: Op[] = []
  let count = 0
  let lineNo = 0
  const order = new HistoryOrder()

  const handle = (line: string, isLastUnterminated: boolean, byte: number): void => {
    lineNo++
    // Blank lines are allowed (trim only when the line starts with white space).
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim().length === 0)) return
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch (e) {
      if (isLastUnterminated) {
        onWarning(`${path}:${lineNo}: ignored a torn last line (the writer stopped mid-line)`)
        return
      }
      throw new HistoryError(path, lineNo, `not valid JSON (${(e as Error).message})`)
    }
    const problem = problemWith(parsed)
    if (problem) {
      if (isLastUnterminated) {
        onWarning(`${path}:${lineNo}: ignored a torn last line (${problem})`)
        return
      }
      throw new HistoryError(path, lineNo, problem)
    }
    const text = jsonTextProblem(line)
    if (text) throw new HistoryError(path, lineNo, text)
    const op = parsed as Op
    const disorder = order.accept(op, op.index, lineNo)
    if (disorder) throw new HistoryError(path, lineNo, disorder)
    positions?.note(count, byte)
    op.index = count++
    block.push(op)
  }

  // Large byte blocks, decoded only up to their last newline (a newline byte never
  // occurs inside a UTF-8 sequence), so no line is split and no text is joined.
  const file = await openHistoryForRead(path)
  let rest = ''
  // The file offset of the first byte of `carry` (and so of the next block's data).
  let offset = 0
  try {
    let carry: Buffer = Buffer.alloc(0)
    const buffer = Buffer.allocUnsafe(READ_BLOCK)
    while (true) {
      let bytesRead: number
      try {
        ;({ bytesRead } = await file.read(buffer, 0, READ_BLOCK, null))
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new HistoryError(path, undefined, 'is a folder, not a history file')
        throw e
      }
      if (bytesRead === 0) break
      const data = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead)
      const lastNl = data.lastIndexOf(10)
      if (lastNl === -1) {
        carry = Buffer.from(data)
        continue
      }
      const text = data.toString('utf8', 0, lastNl + 1)
      carry = Buffer.from(data.subarray(lastNl + 1))
      // In ASCII text a character is a byte; otherwise count the bytes of each line.
      const ascii = text.length === lastNl + 1
      let byte = offset
      let start = 0
      let nl = text.indexOf('\n')
      while (nl !== -1) {
        const line = text.slice(start, nl)
        handle(line, false, ascii ? offset + start : byte)
        if (!ascii && positions) byte += Buffer.byteLength(line) + 1
        start = nl + 1
        nl = text.indexOf('\n', start)
      }
      offset += lastNl + 1
      if (block.length > 0) {
        yield block
        block = []
      }
    }
    rest = carry.toString('utf8')
  } finally {
    await file.close()
  }
  if (rest.length > 0) handle(rest, true, offset)
  if (block.length > 0) yield block
}

/** Reads a whole history.jsonl into memory (see `streamHistoryJsonl` to fold over it instead). */
export async function readHistoryJsonl(path: string): Promise<ReadHistoryResult> {
  const history: Op[] = []
  const warnings: string[] = []
  for await (const ops of streamHistoryJsonl(path, (w) => warnings.push(w))) {
    for (const op of ops) history.push(op)
  }
  return { history, warnings }
}
