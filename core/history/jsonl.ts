/**
 * history.jsonl: one Op per line. The writer appends while the test runs and
 * flushes at least once a second and on every stop path, so a crash or Ctrl-C
 * leaves a checkable history. The reader streams the file once, in chunks, and
 * reports a malformed line with its line number; a torn last line (the writer
 * died mid-line) is dropped with a warning.
 */
import { closeSync, createReadStream, fsyncSync, openSync, writeSync } from 'node:fs'
import { HistoryError } from '../errors.js'
import { isOpType, type Op } from '../op.js'

export interface HistoryWriterOptions {
  /** Flush at least this often (ms). */
  flushIntervalMs?: number
  /** Flush early once this many bytes are buffered. */
  maxBufferBytes?: number
}

export class HistoryWriter {
  readonly path: string
  private fd: number | undefined
  private chunks: string[] = []
  private buffered = 0
  private timer: NodeJS.Timeout | undefined
  private readonly maxBufferBytes: number
  private count = 0

  constructor(path: string, options: HistoryWriterOptions = {}) {
    this.path = path
    this.fd = openSync(path, 'a')
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
 * Reads a history.jsonl file in one streaming pass. Lines are renumbered
 * `index` 0..n-1 in file order (a history is its order).
 */
export async function readHistoryJsonl(path: string): Promise<ReadHistoryResult> {
  const history: Op[] = []
  const warnings: string[] = []
  let rest = ''
  let lineNo = 0

  const handle = (line: string, isLastUnterminated: boolean): void => {
    lineNo++
    if (line.length === 0 || line.trim().length === 0) return
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch (e) {
      if (isLastUnterminated) {
        warnings.push(`${path}:${lineNo}: ignored a torn last line (the writer stopped mid-line)`)
        return
      }
      throw new HistoryError(path, lineNo, `not valid JSON (${(e as Error).message})`)
    }
    const problem = problemWith(parsed)
    if (problem) {
      if (isLastUnterminated) {
        warnings.push(`${path}:${lineNo}: ignored a torn last line (${problem})`)
        return
      }
      throw new HistoryError(path, lineNo, problem)
    }
    const op = parsed as Op
    op.index = history.length
    history.push(op)
  }

  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let start = 0
      const text = rest.length > 0 ? rest + chunk : chunk
      let nl = text.indexOf('\n', start)
      while (nl !== -1) {
        handle(text.slice(start, nl), false)
        start = nl + 1
        nl = text.indexOf('\n', start)
      }
      rest = text.slice(start)
    }
  } catch (e) {
    if (e instanceof HistoryError) throw e
    const err = e as NodeJS.ErrnoException
    if (err.code === 'ENOENT') throw new HistoryError(path, undefined, 'no such file')
    if (err.code === 'EISDIR') throw new HistoryError(path, undefined, 'is a folder, not a history file')
    throw e
  } finally {
    stream.destroy()
  }
  if (rest.length > 0) handle(rest, true)
  return { history, warnings }
}
