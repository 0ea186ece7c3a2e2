/**
 * Writing into a root folder (an image being built) from this machine, after
 * package scripts ran in it: a link there (/etc/resolv.conf ->
 * /run/systemd/resolve/stub-resolv.conf) points into THIS machine's files when
 * followed from outside. So every path is checked to stay inside the root, a
 * link in the way of a write is replaced, and nothing outside is ever written
 * or removed. Paths are relative to the root ('etc/resolv.conf').
 */
import { chmod, lstat, mkdir, readdir, realpath, rm, writeFile } from 'node:fs/promises'
import { dirname, join, sep } from 'node:path'
import { EnvironmentError } from '../../core/errors.js'

/** The host path of `path` in the root, when its folder really lies inside the root (else undefined). */
async function inRoot(root: string, path: string): Promise<string | undefined> {
  const at = join(root, path)
  const realRoot = await realpath(root)
  const parent = await realpath(dirname(at)).catch(() => undefined)
  if (parent === undefined || (parent !== realRoot && !parent.startsWith(realRoot + sep))) return undefined
  return join(parent, path.split('/').pop()!)
}

function outside(path: string): EnvironmentError {
  return new EnvironmentError('E_CLUSTER', `the image's /${path} lies outside its root folder (a link points out of it)`, 'build without the package that made that link')
}

/** mkdir -p inside the root, one folder at a time, each checked to be inside it (a link on the way is followed only if it stays inside). */
export async function mkdirInRoot(root: string, path: string): Promise<void> {
  const parts = path.split('/').filter((p) => p && p !== '.')
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join('/')
    const at = await inRoot(root, sub)
    if (!at) throw outside(sub)
    const st = await lstat(at).catch(() => undefined)
    if (!st) await mkdir(at)
    else if (st.isSymbolicLink()) {
      const real = await realpath(at).catch(() => undefined)
      const realRoot = await realpath(root)
      if (!real || !real.startsWith(realRoot + sep)) throw outside(sub)
    }
  }
}

export async function writeRootFile(root: string, path: string, content: string, mode = 0o644): Promise<void> {
  await mkdirInRoot(root, dirname(path))
  const at = await inRoot(root, path)
  if (!at) throw outside(path)
  if ((await lstat(at).catch(() => undefined))?.isSymbolicLink()) await rm(at)
  await writeFile(at, content)
  await chmod(at, mode)
}

export async function removeRootFile(root: string, path: string): Promise<void> {
  const at = await inRoot(root, path)
  if (at) await rm(at, { force: true })
}

/** Empties a folder of the root (keeping the folder); nothing when it is a link or not there. */
export async function emptyDir(root: string, path: string, keep: readonly string[] = []): Promise<void> {
  const dir = await inRoot(root, path)
  if (!dir || !(await lstat(dir).catch(() => undefined))?.isDirectory()) return
  for (const name of await readdir(dir)) {
    if (!keep.includes(name)) await rm(join(dir, name), { recursive: true, force: true })
  }
}
