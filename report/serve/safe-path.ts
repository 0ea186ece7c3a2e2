/**
 * Maps a request path to a file under the store, and refuses everything else:
 * `..` and `.` segments (plain or percent-encoded), encoded slashes and
 * backslashes, NUL bytes, malformed escapes, and any path whose real location
 * (symbolic links followed) is outside the store's real location. A link
 * inside the store to another place inside it (`latest`) is followed.
 */
import { realpathSync } from 'node:fs'
import { join, sep } from 'node:path'

export type Resolved = { path: string } | { refused: string }

/** The store's real path, computed once when the server starts. */
export function storeRoot(path: string): string {
  return realpathSync(path)
}

export function resolveInStore(root: string, pathname: string): Resolved {
  if (!pathname.startsWith('/')) return { refused: 'not an absolute path' }
  const segments: string[] = []
  for (const raw of pathname.split('/')) {
    if (raw === '') continue
    let seg: string
    try {
      seg = decodeURIComponent(raw)
    } catch {
      return { refused: 'malformed percent-encoding' }
    }
    if (seg === '.' || seg === '..') return { refused: 'a . or .. segment' }
    if (seg.includes('/') || seg.includes('\\') || seg.includes('\0')) return { refused: 'a slash, backslash or NUL inside a segment' }
    segments.push(seg)
  }
  const candidate = join(root, ...segments)
  let real: string
  try {
    real = realpathSync(candidate)
  } catch {
    return { refused: 'no such file' }
  }
  if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) return { refused: 'outside the store' }
  return { path: real }
}
