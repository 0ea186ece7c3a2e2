/**
 * The files of a run folder the report links to: the run's own files and the
 * logs downloaded from each node (store/<run>/nodes/<node>/...). Links are
 * relative, so they work from the file system and from `dstest serve` alike.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

export interface LinkedFile {
  /** Path relative to the run folder, with / separators. */
  path: string
  bytes: number
}

/** Enough for any cluster's logs; a folder with more is listed in part, and says so. */
export const MAX_NODE_FILES = 500

export function nodeLogFiles(runDir: string): { files: LinkedFile[]; more: number } {
  const root = join(runDir, 'nodes')
  const files: LinkedFile[] = []
  let more = 0
  const walk = (dir: string, depth: number): void => {
    let names: string[]
    try {
      names = readdirSync(dir).sort()
    } catch {
      return
    }
    for (const name of names) {
      const path = join(dir, name)
      let st
      try {
        st = statSync(path)
      } catch {
        continue
      }
      if (st.isDirectory()) {
        if (depth < 4) walk(path, depth + 1)
      } else if (st.isFile()) {
        if (files.length >= MAX_NODE_FILES) more++
        else files.push({ path: relative(runDir, path).split(sep).join('/'), bytes: st.size })
      }
    }
  }
  if (existsSync(root)) walk(root, 0)
  return { files, more }
}

/** The run's own files that exist, in a fixed order. */
export function runFiles(runDir: string, names: readonly string[]): LinkedFile[] {
  return names.flatMap((name) => {
    try {
      const st = statSync(join(runDir, name))
      return st.isFile() ? [{ path: name, bytes: st.size }] : []
    } catch {
      return []
    }
  })
}

/** A relative link to a path of / separated segments, each segment escaped for a URL. */
export function href(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

export function bytesText(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} kB` : `${n} B`
}
