/**
 * A minimal ustar writer and reader: what the engine's archive, import and
 * build APIs speak. Node has no tar built in and dstest takes no dependency for
 * it. Writes POSIX ustar (with a pax `path`/`linkpath` record for names that do
 * not fit); reads ustar, pax (`x`, `g`) and GNU long names (`L`, `K`), which is
 * what Go's archive/tar in the engine produces.
 */
import { createReadStream } from 'node:fs'
import { lstat, mkdir, readdir, readlink, symlink, writeFile } from 'node:fs/promises'
import { dirname, join, normalize, posix, sep } from 'node:path'

export type TarEntryType = 'file' | 'dir' | 'symlink'

export interface TarEntry {
  /** Path inside the archive, '/'-separated, no leading '/'. */
  path: string
  type: TarEntryType
  /** Permission bits; default 0o644 for files, 0o755 for directories. */
  mode?: number
  /** File content (type 'file'). */
  content?: Buffer
  /** Symlink target (type 'symlink'). */
  linkname?: string
  /** Seconds since the epoch; default 0 so archives are reproducible. */
  mtime?: number
}

/** An entry whose content is read from a local file when the archive is streamed. */
export interface TarFileSource {
  path: string
  type: 'file'
  mode: number
  size: number
  from: string
}

/** An entry whose content is produced when the archive is streamed (an archive inside an archive). */
export interface TarStreamSource {
  path: string
  type: 'file'
  mode: number
  size: number
  stream: () => AsyncIterable<Buffer>
}

export type TarSource = TarEntry | TarFileSource | TarStreamSource

const BLOCK = 512

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0'
}

function writeString(buf: Buffer, at: number, width: number, s: string): boolean {
  const bytes = Buffer.from(s, 'utf8')
  if (bytes.length > width) return false
  bytes.copy(buf, at)
  return true
}

/** Splits a long path into ustar prefix (≤155) + name (≤100), if possible. */
function splitUstarPath(path: string): [string, string] | null {
  if (Buffer.byteLength(path) <= 100) return ['', path]
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i)
    const name = path.slice(i + 1)
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return [prefix, name]
  }
  return null
}

function header(path: string, typeflag: string, size: number, mode: number, mtime: number, linkname: string): Buffer {
  const h = Buffer.alloc(BLOCK)
  const split = splitUstarPath(path)
  const [prefix, name] = split ?? ['', path.slice(0, 100)]
  writeString(h, 0, 100, name)
  writeString(h, 100, 8, octal(mode & 0o7777, 8))
  writeString(h, 108, 8, octal(0, 8))
  writeString(h, 116, 8, octal(0, 8))
  writeString(h, 124, 12, octal(size, 12))
  writeString(h, 136, 12, octal(Math.floor(mtime), 12))
  h.fill(' ', 148, 156)
  writeString(h, 156, 1, typeflag)
  writeString(h, 157, 100, Buffer.byteLength(linkname) <= 100 ? linkname : '')
  writeString(h, 257, 6, 'ustar\0')
  writeString(h, 263, 2, '00')
  writeString(h, 265, 32, 'root')
  writeString(h, 297, 32, 'root')
  writeString(h, 345, 155, prefix)
  let sum = 0
  for (const byte of h) sum += byte
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
  return h
}

function paxRecord(key: string, value: string): string {
  // "%d %s=%s\n" where %d counts the whole record, itself included.
  const body = ` ${key}=${value}\n`
  let len = Buffer.byteLength(body) + 1
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body)
  return `${len}${body}`
}

function padding(size: number): Buffer {
  const rest = size % BLOCK
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest)
}

const TYPEFLAG: Record<TarEntryType, string> = { file: '0', dir: '5', symlink: '2' }

/** The header block(s) for one entry (a pax header first when names are too long). */
export function entryHeader(e: { path: string; type: TarEntryType; mode?: number; size: number; linkname?: string; mtime?: number }): Buffer {
  const path = e.type === 'dir' && !e.path.endsWith('/') ? `${e.path}/` : e.path
  const linkname = e.linkname ?? ''
  const mode = e.mode ?? (e.type === 'dir' ? 0o755 : e.type === 'symlink' ? 0o777 : 0o644)
  const mtime = e.mtime ?? 0
  const blocks: Buffer[] = []
  let records = ''
  if (splitUstarPath(path) === null) records += paxRecord('path', path)
  if (Buffer.byteLength(linkname) > 100) records += paxRecord('linkpath', linkname)
  if (records) {
    const body = Buffer.from(records, 'utf8')
    blocks.push(header('PaxHeaders/entry', 'x', body.length, 0o644, mtime, ''), body, padding(body.length))
  }
  blocks.push(header(path, TYPEFLAG[e.type], e.type === 'file' ? e.size : 0, mode, mtime, linkname))
  return Buffer.concat(blocks)
}

/** The end-of-archive marker: two zero blocks. */
export const TAR_END = Buffer.alloc(BLOCK * 2)

/** An in-memory archive. */
export function packTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    const content = e.type === 'file' ? (e.content ?? Buffer.alloc(0)) : Buffer.alloc(0)
    parts.push(entryHeader({ ...e, size: content.length }))
    if (e.type === 'file') parts.push(content, padding(content.length))
  }
  parts.push(TAR_END)
  return Buffer.concat(parts)
}

/** The exact byte size of `tarStream(entries)`, without reading any content. */
export function tarSize(entries: readonly TarSource[]): number {
  let size = TAR_END.length
  for (const e of entries) {
    const body = 'size' in e ? e.size : e.type === 'file' ? (e.content?.length ?? 0) : 0
    size += entryHeader({ ...e, size: body }).length + body + padding(body).length
  }
  return size
}

/**
 * A streamed archive: in-memory entries, local files and streamed sources read
 * lazily, so a 100 MB root filesystem is never held in memory at once. A
 * source that yields more or less than its declared size is an error.
 */
export async function* tarStream(entries: readonly TarSource[]): AsyncGenerator<Buffer> {
  for (const e of entries) {
    if ('from' in e || 'stream' in e) {
      const what = 'from' in e ? e.from : e.path
      yield entryHeader(e)
      let seen = 0
      const source = 'from' in e ? (createReadStream(e.from) as AsyncIterable<Buffer>) : e.stream()
      for await (const chunk of source) {
        seen += chunk.length
        if (seen > e.size) throw new Error(`${what} grew while it was being archived`)
        yield chunk
      }
      if (seen !== e.size) throw new Error(`${what} changed size while it was being archived`)
      yield padding(e.size)
    } else {
      const content = e.type === 'file' ? (e.content ?? Buffer.alloc(0)) : Buffer.alloc(0)
      yield entryHeader({ ...e, size: content.length })
      if (e.type === 'file') yield Buffer.concat([content, padding(content.length)])
    }
  }
  yield TAR_END
}

/**
 * The entries for a local file or folder, placed at `under` in the archive
 * (symlinks kept as links; file contents read later by `tarStream`).
 */
export async function localEntries(localPath: string, under: string): Promise<(TarEntry | TarFileSource)[]> {
  const st = await lstat(localPath)
  const path = under.replace(/^\/+/, '')
  if (st.isSymbolicLink()) return [{ path, type: 'symlink', linkname: await readlink(localPath) }]
  if (st.isFile()) return [{ path, type: 'file', mode: st.mode & 0o7777, size: st.size, from: localPath }]
  if (!st.isDirectory()) return []
  const out: (TarEntry | TarFileSource)[] = [{ path, type: 'dir', mode: st.mode & 0o7777 }]
  const names = (await readdir(localPath)).sort()
  for (const name of names) out.push(...(await localEntries(join(localPath, name), posix.join(path, name))))
  return out
}

export interface ReadEntry {
  path: string
  type: TarEntryType | 'other'
  mode: number
  content: Buffer
  linkname: string
}

function readString(buf: Buffer, at: number, width: number): string {
  const slice = buf.subarray(at, at + width)
  const nul = slice.indexOf(0)
  return slice.subarray(0, nul < 0 ? width : nul).toString('utf8')
}

function readOctal(buf: Buffer, at: number, width: number): number {
  // Base-256 (GNU) for very large sizes: high bit of the first byte set.
  if (((buf[at] ?? 0) & 0x80) !== 0) {
    let n = (buf[at] ?? 0) & 0x7f
    for (let i = 1; i < width; i++) n = n * 256 + (buf[at + i] ?? 0)
    return n
  }
  const s = readString(buf, at, width).trim()
  return s ? parseInt(s, 8) : 0
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let at = 0
  while (at < body.length) {
    const space = body.indexOf(0x20, at)
    if (space < 0) break
    const len = parseInt(body.subarray(at, space).toString('ascii'), 10)
    if (!(len > 0)) break
    const record = body.subarray(space + 1, at + len - 1).toString('utf8')
    const eq = record.indexOf('=')
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1)
    at += len
  }
  return out
}

/** Parses a whole archive (ustar, pax, GNU long names). Throws on a bad checksum. */
export function unpackTar(data: Buffer): ReadEntry[] {
  const entries: ReadEntry[] = []
  let at = 0
  let nextPath: string | undefined
  let nextLink: string | undefined
  let globalPax: Record<string, string> = {}
  while (at + BLOCK <= data.length) {
    const h = data.subarray(at, at + BLOCK)
    if (h.every((b) => b === 0)) break
    let sum = 0
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0)
    if (sum !== readOctal(h, 148, 8)) throw new Error(`tar: bad header checksum at offset ${at}`)
    const size = readOctal(h, 124, 12)
    const flag = String.fromCharCode(h[156] ?? 0)
    const body = data.subarray(at + BLOCK, at + BLOCK + size)
    at += BLOCK + size + padding(size).length
    if (flag === 'x' || flag === 'g') {
      const pax = parsePax(body)
      if (flag === 'g') globalPax = { ...globalPax, ...pax }
      else {
        nextPath = pax.path ?? nextPath
        nextLink = pax.linkpath ?? nextLink
      }
      continue
    }
    if (flag === 'L' || flag === 'K') {
      const s = readString(body, 0, body.length)
      if (flag === 'L') nextPath = s
      else nextLink = s
      continue
    }
    const magic = readString(h, 257, 6)
    const prefix = magic.startsWith('ustar') ? readString(h, 345, 155) : ''
    const name = readString(h, 0, 100)
    const path = nextPath ?? globalPax.path ?? (prefix ? `${prefix}/${name}` : name)
    const linkname = nextLink ?? readString(h, 157, 100)
    nextPath = undefined
    nextLink = undefined
    const type: ReadEntry['type'] =
      flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'dir' : flag === '2' ? 'symlink' : 'other'
    entries.push({ path: path.replace(/\/+$/, ''), type, mode: readOctal(h, 100, 8), content: Buffer.from(body), linkname })
  }
  return entries
}

/** Writes an archive's entries under `localDir`; an entry that would land outside it is skipped. */
export async function extractTar(archive: Buffer, localDir: string): Promise<void> {
  const root = normalize(localDir)
  for (const entry of unpackTar(archive)) {
    const target = normalize(join(root, entry.path))
    if (target !== root && !target.startsWith(root.endsWith(sep) ? root : root + sep)) continue
    if (entry.type === 'dir') await mkdir(target, { recursive: true })
    else if (entry.type === 'file') {
      await mkdir(dirname(target), { recursive: true })
      await writeFile(target, entry.content, { mode: entry.mode & 0o777 })
    } else if (entry.type === 'symlink') {
      await mkdir(dirname(target), { recursive: true })
      await symlink(entry.linkname, target).catch(() => undefined)
    }
  }
}
