/**
 * The files a bundled server keeps in its data folder: an append-only file of
 * JSON lines (written at once, made durable by `sync`), whole files replaced
 * atomically, and both read back at start.
 *
 * A write that fails (disk full, file too large, I/O error) throws
 * StorageError. By then the server's state in memory may be ahead of its disk,
 * so the server must not go on as if it were durable: the request that met the
 * failure is answered as an internal error (its effect unknown) and the
 * process stops (json-server.ts, serve.ts).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

export class StorageError extends Error {
  constructor(file: string, cause: unknown) {
    super(`${file}: ${(cause as Error).message ?? String(cause)}`, { cause })
    this.name = 'StorageError'
  }
}

/** Runs a write, turning any failure into a StorageError that names the file. */
function writing<T>(file: string, write: () => T): T {
  try {
    return write()
  } catch (err) {
    throw err instanceof StorageError ? err : new StorageError(file, err)
  }
}

/** All of `data`, however many calls it takes (a write may take only part of it, e.g. up to a size limit). */
function writeAll(fd: number, data: Buffer): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done)
}

/** An append-only file, open for the life of the server. */
export class AppendFile {
  private fd: number

  constructor(readonly path: string) {
    this.fd = writing(path, () => openSync(path, 'a'))
  }

  /** The whole file as it is on disk ('' when it does not exist yet). */
  read(): string {
    return existsSync(this.path) ? readFileSync(this.path, 'utf8') : ''
  }

  /** Adds `text` at the end. It survives a crash of the process at once, a crash of the machine after `sync`. */
  write(text: string): void {
    if (text === '') return
    writing(this.path, () => writeAll(this.fd, Buffer.from(text)))
  }

  sync(): void {
    writing(this.path, () => fsyncSync(this.fd))
  }

  /** Replaces the whole content atomically; later writes go after it. */
  replace(text: string): void {
    closeSync(this.fd)
    writeAtomically(this.path, text)
    this.fd = writing(this.path, () => openSync(this.path, 'a'))
  }

  close(): void {
    closeSync(this.fd)
  }
}

/** Writes a temp file, fsyncs it, renames it over `path` and fsyncs the folder: the old or the new content, never half. */
export function writeAtomically(path: string, data: string): void {
  writing(path, () => {
    const temp = `${path}.tmp`
    const fd = openSync(temp, 'w')
    try {
      writeAll(fd, Buffer.from(data))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, path)
    const dirFd = openSync(dirname(path), 'r')
    try {
      fsyncSync(dirFd)
    } finally {
      closeSync(dirFd)
    }
  })
}

/** The parsed content of a JSON file, or undefined when there is none. */
export function readJsonFile(path: string): unknown {
  if (!existsSync(path)) return undefined
  return JSON.parse(readFileSync(path, 'utf8'))
}

/**
 * The values of a file of JSON lines. A torn last line (a crash in the middle
 * of a write, never acknowledged) is left out and reported as `torn`, so the
 * caller can rewrite the file without it; an unreadable line before the last
 * is corruption and throws.
 */
export function parseJsonLines(text: string, file: string): { values: unknown[]; torn: boolean } {
  const lines = text.split('\n')
  const values: unknown[] = []
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!
    if (line === '') continue
    try {
      values.push(JSON.parse(line))
    } catch (err) {
      if (n === lines.length - 1) return { values, torn: true }
      throw new Error(`${file}:${n + 1}: unreadable line`, { cause: err })
    }
  }
  return { values, torn: false }
}
