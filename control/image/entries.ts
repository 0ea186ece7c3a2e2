/**
 * A resolved layer: a plain list of what goes where in a node. Every path is
 * absolute in the node; file contents are either a local file (read when the
 * runtime ships it) or bytes. Parent folders that are not listed are created
 * as needed (0755, owned by root) and existing ones are left as they are.
 */

export interface DirEntry {
  path: string
  type: 'dir'
  mode: number
}

export interface LinkEntry {
  path: string
  type: 'symlink'
  /** The link's target, as the link holds it (relative or absolute in the node). */
  linkname: string
}

/** A file copied from this machine. */
export interface HostFileEntry {
  path: string
  type: 'file'
  mode: number
  /** Local path of a regular file (never a symlink). */
  from: string
  /** Its size when it was listed; shipping a file whose size changed is an error. */
  size: number
}

/** A file with contents the layer gives. */
export interface ContentEntry {
  path: string
  type: 'file'
  mode: number
  content: Buffer
}

export type LayerEntry = DirEntry | LinkEntry | HostFileEntry | ContentEntry

export const isHostFile = (e: LayerEntry): e is HostFileEntry => e.type === 'file' && 'from' in e

function sameEntry(a: LayerEntry, b: LayerEntry): boolean {
  if (a.type !== b.type) return false
  if (a.type === 'dir' || b.type === 'dir') return a.type === b.type && (a as DirEntry).mode === (b as DirEntry).mode
  if (a.type === 'symlink') return (a as LinkEntry).linkname === (b as LinkEntry).linkname
  const fa = a as HostFileEntry | ContentEntry
  const fb = b as HostFileEntry | ContentEntry
  if (fa.mode !== fb.mode) return false
  if ('from' in fa && 'from' in fb) return fa.from === fb.from
  if ('content' in fa && 'content' in fb) return fa.content.equals(fb.content)
  return false
}

/**
 * Entries by path. A later entry at a path replaces an earlier one (as a later
 * COPY would), except that a folder and a non-folder cannot share a path: that
 * is a conflict the caller reports.
 */
export class EntrySet {
  private readonly byPath = new Map<string, LayerEntry>()

  has(path: string): boolean {
    return this.byPath.has(path)
  }

  get(path: string): LayerEntry | undefined {
    return this.byPath.get(path)
  }

  /** Adds or replaces; returns the entry it conflicts with (folder vs non-folder), if any, and then adds nothing. */
  add(entry: LayerEntry): LayerEntry | undefined {
    const old = this.byPath.get(entry.path)
    if (old && (old.type === 'dir') !== (entry.type === 'dir')) return old
    if (old && sameEntry(old, entry)) return undefined
    this.byPath.set(entry.path, entry)
    return undefined
  }

  /** Sorted by path, so a folder comes before what it holds. */
  list(): LayerEntry[] {
    return [...this.byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  }
}
