/**
 * Files taken from this machine into a node: a path with the symlinks on its
 * way (each link recreated, its target copied too, so nothing dangles), and a
 * program with the shared libraries `ldd` lists for it. Both the host-binary
 * base image and target layers use these.
 *
 * Paths under /bin, /sbin, /lib and /lib64 are placed under /usr: the images
 * dstest builds are merged-/usr (those four are links into /usr), and an entry
 * at /lib/... would replace the link with a folder.
 */
import { execFile } from 'node:child_process'
import { open, lstat, readdir, readlink } from 'node:fs/promises'
import { dirname, posix, resolve } from 'node:path'
import { promisify } from 'node:util'
import type { EntrySet } from './entries.js'

const run = promisify(execFile)

/** Maps merged-/usr paths (/bin, /lib64, ...) to where the file really lives. */
export function usrPath(p: string): string {
  return p.replace(/^\/(bin|sbin|lib|lib32|lib64|libx32)(\/|$)/, '/usr/$1$2')
}

export interface LddResult {
  /** Every library path (and the dynamic loader) the binaries load, sorted. */
  libraries: string[]
  /** Sonames ldd could not find, with the binary that needs each. */
  notFound: { binary: string; soname: string }[]
}

/**
 * Parses `ldd a b c` output: a "path:" line before each file's list when there
 * are several, then `soname => /path (addr)`, `/lib64/ld-linux... (addr)`,
 * `soname => not found`, or "not a dynamic executable" / "statically linked".
 */
export function parseLdd(out: string, binaries: readonly string[]): LddResult {
  const libraries = new Set<string>()
  const notFound: LddResult['notFound'] = []
  let current = binaries.length === 1 ? binaries[0]! : ''
  for (const line of out.split('\n')) {
    const header = /^(\/\S.*):$/.exec(line)
    if (header?.[1]) {
      current = header[1]
      continue
    }
    const missing = /^\s+(\S+)\s+=>\s+not found/.exec(line)
    if (missing?.[1]) {
      notFound.push({ binary: current, soname: missing[1] })
      continue
    }
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s+(\/\S+)\s+\(/.exec(line)
    if (m?.[1]) libraries.add(m[1])
  }
  return { libraries: [...libraries].sort(), notFound }
}

/** The shared libraries the binaries load, in one `ldd` call. */
export async function lddPaths(binaries: readonly string[]): Promise<LddResult> {
  if (binaries.length === 0) return { libraries: [], notFound: [] }
  let out: string
  try {
    out = (await run('ldd', [...binaries], { maxBuffer: 16 << 20 })).stdout
  } catch (e) {
    // Exit 1 when some file is static ("not a dynamic executable"): the rest is still listed.
    out = (e as { stdout?: string }).stdout ?? ''
    const code = (e as { code?: unknown }).code
    if (code === 'ENOENT') throw new Error('ldd is not installed (it comes with libc-bin)', { cause: e })
    if (!out && binaries.length > 1) throw e
  }
  return parseLdd(out, binaries)
}

/** Whether a path is a regular file with an execute bit that starts with the ELF magic. */
export async function isElfExecutable(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const st = await handle.stat()
    if (!st.isFile() || (st.mode & 0o111) === 0) return false
    const head = Buffer.alloc(4)
    await handle.read(head, 0, 4, 0)
    return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))
  } finally {
    await handle.close()
  }
}

function conflict(path: string): Error {
  return new Error(`${path} would be both a folder and a file`)
}

/**
 * Adds a host path at the same place in the node (or at `at`), following a
 * chain of symlinks: each link is recreated and what it points to is added at
 * its own place. Folders are added with everything in them.
 */
export async function addHostPath(set: EntrySet, hostPath: string, at?: string): Promise<void> {
  const p = usrPath(hostPath)
  const path = at ?? p
  if (set.has(path)) return
  const st = await lstat(p)
  if (st.isSymbolicLink()) {
    const linkname = await readlink(p)
    if (set.add({ path, type: 'symlink', linkname })) throw conflict(path)
    await addHostPath(set, resolve(dirname(p), linkname))
    return
  }
  if (st.isDirectory()) {
    if (set.add({ path, type: 'dir', mode: st.mode & 0o7777 })) throw conflict(path)
    for (const name of (await readdir(p)).sort()) await addHostPath(set, `${p}/${name}`, posix.join(path, name))
    return
  }
  if (!st.isFile()) return
  if (set.add({ path, type: 'file', mode: st.mode & 0o7777, from: p, size: st.size })) throw conflict(path)
}

/** Adds the libraries (with their symlink chains) that `ldd` lists for the binaries; sonames it cannot find are an error. */
export async function addLibraries(set: EntrySet, binaries: readonly string[]): Promise<void> {
  const { libraries, notFound } = await lddPaths(binaries)
  if (notFound.length > 0) {
    const list = notFound.map((n) => `${n.soname} (for ${n.binary})`).join(', ')
    throw new Error(`ldd cannot find ${list} on this machine`)
  }
  for (const lib of libraries) await addHostPath(set, lib)
}
