/**
 * A resolved layer as archive entries, and the fingerprint images are tagged
 * by (what went in: paths, modes, links, and the files' contents or, for the
 * large host binaries of the base, their identity on disk).
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { lstat } from 'node:fs/promises'
import type { LayerEntry } from '../image/entries.js'
import type { TarSource } from './tar.js'

/** Archive entries at the entries' paths (relative: the archive is unpacked at '/'). */
export function toTarEntries(entries: readonly LayerEntry[]): TarSource[] {
  return entries.map((e): TarSource => {
    const path = e.path.replace(/^\/+/, '')
    if (e.type === 'dir') return { path, type: 'dir', mode: e.mode }
    if (e.type === 'symlink') return { path, type: 'symlink', linkname: e.linkname }
    if ('from' in e) return { path, type: 'file', mode: e.mode, size: e.size, from: e.from }
    return { path, type: 'file', mode: e.mode, content: e.content }
  })
}

/**
 * A 12-hex-digit fingerprint of the entries. With `hashContents` false, a host
 * file counts by size, mtime and inode (hashing 100 MB of node on every run
 * would cost more than the cache saves).
 */
export async function fingerprint(entries: readonly LayerEntry[], seed: string, hashContents: boolean): Promise<string> {
  const h = createHash('sha256')
  h.update(`${seed}\0`)
  for (const e of entries) {
    h.update(`${e.path}\0${e.type}\0${e.type === 'symlink' ? '' : e.mode}\0`)
    if (e.type === 'symlink') h.update(`${e.linkname}\0`)
    else if (e.type === 'file' && 'from' in e) {
      h.update(`${e.size}\0`)
      if (hashContents) {
        for await (const chunk of createReadStream(e.from) as AsyncIterable<Buffer>) h.update(chunk)
      } else {
        const st = await lstat(e.from)
        h.update(`${st.mtimeMs}\0${st.ino}\0`)
      }
    } else if (e.type === 'file') h.update(`${e.content.length}\0`).update(e.content)
  }
  return h.digest('hex').slice(0, 12)
}
