/**
 * `resolveLayer`: an `ImageLayer` as a plain list of what goes where in a node
 * (./entries.ts). Files and folders are listed (contents are read later, when
 * the runtime ships them), host programs bring their libraries, and every bad
 * input is refused here with a one-line error naming the file.
 *
 *     const { entries, packages } = await resolveLayer(await target.imageLayer())
 *     for (const e of entries) console.log(e.type, e.path)
 */
import { access, constants, lstat, readdir, readlink, realpath, stat } from 'node:fs/promises'
import { basename, delimiter, join, posix, relative, resolve, sep } from 'node:path'
import { DstestError } from '../../core/errors.js'
import { EntrySet, type LayerEntry } from './entries.js'
import { addHostPath, addLibraries, isElfExecutable } from './host-files.js'
import {
  checkLayer,
  isCopiedFile,
  isGeneratedFile,
  layerError,
  localPathOf,
  nodePathOf,
  type CopiedFile,
  type HostBinary,
  type ImageLayer,
} from './layer.js'

export interface ResolvedLayer {
  name: string
  /** Debian packages to install, sorted, without duplicates. */
  packages: string[]
  /** Sorted by path. */
  entries: LayerEntry[]
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code

/** Resolves a layer; refuses a bad one with E_CONFIG (exit 3). */
export async function resolveLayer(layer: ImageLayer): Promise<ResolvedLayer> {
  checkLayer(layer)
  const set = new EntrySet()
  const name = layer.name
  for (const [i, f] of (layer.files ?? []).entries()) {
    const where = `files[${i}]`
    try {
      if (isGeneratedFile(f)) {
        const to = nodePathOf(name, f.to, where)
        const content = typeof f.content === 'string' ? Buffer.from(f.content) : Buffer.from(f.content)
        addOrRefuse(set, { path: to, type: 'file', mode: f.mode ?? 0o644, content })
      } else if (isCopiedFile(f)) await addCopied(set, name, f, where)
      else await addBinary(set, name, f, where)
    } catch (e) {
      if (e instanceof DstestError) throw e
      throw layerError(name, `${where}: ${e instanceof Error ? e.message : String(e)}`, 'fix that file or path in imageLayer()', e)
    }
  }
  return { name, packages: [...new Set(layer.packages ?? [])].sort(), entries: set.list() }
}

function addOrRefuse(set: EntrySet, entry: LayerEntry): void {
  if (set.add(entry)) throw new Error(`${entry.path} would be both a folder and a file`)
}

/** A missing path, named, as the error a user sees. */
async function mustExist(layer: string, path: string, where: string): Promise<import('node:fs').Stats> {
  try {
    return await lstat(path)
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') throw layerError(layer, `${where}: ${path} does not exist`, 'check the path (a relative path is taken from the working directory)', e)
    throw e
  }
}

/** The real path behind a symlink; a dangling one is an error that names both ends. */
async function followLink(layer: string, link: string, where: string): Promise<string> {
  try {
    return await realpath(link)
  } catch (e) {
    if (errno(e) !== 'ENOENT' && errno(e) !== 'ELOOP') throw e
    const target = await readlink(link).catch(() => '?')
    throw layerError(layer, `${where}: ${link} is a symlink to ${target}, which does not exist`, 'fix or remove the link', e)
  }
}

async function addCopied(set: EntrySet, layer: string, f: CopiedFile, where: string): Promise<void> {
  const to = nodePathOf(layer, f.to, where)
  const local = resolve(localPathOf(layer, f.from, where))
  let st = await mustExist(layer, local, where)
  let real = local
  if (st.isSymbolicLink()) {
    real = await followLink(layer, local, where)
    st = await stat(real)
  }
  if (st.isFile()) {
    addOrRefuse(set, { path: to, type: 'file', mode: f.mode ?? st.mode & 0o7777, from: real, size: st.size })
    return
  }
  if (!st.isDirectory()) throw layerError(layer, `${where}: ${local} is not a file or a folder`, 'copy regular files and folders only')
  if (f.mode !== undefined) throw layerError(layer, `${where}: mode applies to a single file, and ${local} is a folder`, 'drop mode (files keep their own), or list the file on its own')
  await addTree(set, layer, where, { rootReal: real, rootAt: to }, real, to, new Set([real]))
}

interface Tree {
  /** The copied folder's real path on this machine. */
  rootReal: string
  /** Where it goes in the node. */
  rootAt: string
}

const inside = (root: string, p: string): boolean => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep)

/**
 * A folder and everything in it. A symlink that points into the copied folder
 * stays a (relative) link; one that points elsewhere is replaced by a copy of
 * what it points to, so the node never holds a link to something it lacks.
 */
async function addTree(set: EntrySet, layer: string, where: string, tree: Tree, dirReal: string, at: string, ancestors: Set<string>): Promise<void> {
  if (at !== '/') {
    const st = await stat(dirReal)
    addOrRefuse(set, { path: at, type: 'dir', mode: st.mode & 0o7777 })
  }
  for (const name of (await readdir(dirReal)).sort()) {
    const p = join(dirReal, name)
    const childAt = posix.join(at, name)
    const st = await lstat(p)
    if (st.isSymbolicLink()) {
      const target = await followLink(layer, p, where)
      if (inside(tree.rootReal, target)) {
        const targetAt = posix.join(tree.rootAt, relative(tree.rootReal, target).split(sep).join('/'))
        addOrRefuse(set, { path: childAt, type: 'symlink', linkname: posix.relative(posix.dirname(childAt), targetAt) || '.' })
        continue
      }
      const tst = await stat(target)
      if (tst.isFile()) addOrRefuse(set, { path: childAt, type: 'file', mode: tst.mode & 0o7777, from: target, size: tst.size })
      else if (tst.isDirectory()) {
        if (ancestors.has(target)) throw layerError(layer, `${where}: ${p} links back to ${target}, a folder it is inside of`, 'remove the loop or copy a folder without it')
        await addTree(set, layer, where, tree, target, childAt, new Set([...ancestors, target]))
      } else throw layerError(layer, `${where}: ${p} points to ${target}, which is not a file or a folder`, 'copy regular files and folders only')
    } else if (st.isDirectory()) {
      await addTree(set, layer, where, tree, p, childAt, new Set([...ancestors, p]))
    } else if (st.isFile()) {
      addOrRefuse(set, { path: childAt, type: 'file', mode: st.mode & 0o7777, from: p, size: st.size })
    } else {
      throw layerError(layer, `${where}: ${p} is not a file, folder or symlink`, 'remove sockets, pipes and devices from the folder, or copy its files one by one')
    }
  }
}

/** A command name looked up on PATH, as a shell would. */
async function onPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, command)
    try {
      await access(candidate, constants.X_OK)
      if ((await stat(candidate)).isFile()) return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

async function addBinary(set: EntrySet, layer: string, f: HostBinary, where: string): Promise<void> {
  let host = f.binary
  if (!host.includes('/')) {
    const found = await onPath(host)
    if (!found) throw layerError(layer, `${where}: ${host} is not on PATH`, 'give the program\'s absolute path')
    host = found
  }
  host = resolve(host)
  const st = await mustExist(layer, host, where)
  const real = st.isSymbolicLink() ? await followLink(layer, host, where) : host
  if (!(await isElfExecutable(real))) {
    throw layerError(layer, `${where}: ${host} is not an executable program (an ELF file with an execute bit)`, 'add scripts and other files with { from, to, mode: 0o755 }')
  }
  if (f.to === undefined) {
    // At its own path, with the links on the way (a multi-call binary finds its name).
    await addHostPath(set, host)
  } else {
    const to = nodePathOf(layer, f.to, where)
    const rst = await stat(real)
    const file = { type: 'file' as const, mode: rst.mode & 0o7777, from: real, size: rst.size }
    if (!st.isSymbolicLink() || basename(real) === posix.basename(to)) addOrRefuse(set, { path: to, ...file })
    else {
      // The program may look at the name it was started by: keep the link's name pointing at the real file.
      addOrRefuse(set, { path: posix.join(posix.dirname(to), basename(real)), ...file })
      addOrRefuse(set, { path: to, type: 'symlink', linkname: basename(real) })
    }
  }
  await addLibraries(set, [real])
}
