/**
 * What a target puts into its nodes: an `ImageLayer`. It names distribution
 * packages to install and files to add (copied from this machine, a host
 * program with the shared libraries it loads, or contents the target writes).
 * Runtimes turn it into something concrete: the Docker runtime builds an image
 * (control/docker/), an SSH runtime uploads the files. Both start from
 * `resolveLayer()` (./resolve.ts), which turns the layer into a plain list of
 * files, folders and links.
 *
 *     import { defineTarget, type ImageLayer } from 'dstest'
 *     export default defineTarget({
 *       name: 'my-kv',
 *       ...,
 *       imageLayer: (): ImageLayer => ({
 *         name: 'my-kv',
 *         packages: ['netcat-openbsd'],
 *         files: [
 *           { binary: '/usr/local/bin/my-kv-server', to: '/opt/my-kv/bin/my-kv-server' },
 *           { from: new URL('./conf', import.meta.url), to: '/etc/my-kv' },
 *           { to: '/opt/my-kv/start.sh', content: '#!/bin/sh\nexec /opt/my-kv/bin/my-kv-server "$@"\n', mode: 0o755 },
 *         ],
 *       }),
 *     })
 */
import { posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DstestError } from '../../core/errors.js'

/**
 * A file or a whole folder from this machine, copied to `to`.
 *
 *     { from: '/home/me/kv/build/server.js', to: '/opt/kv/server.js' }
 *     { from: new URL('./static', import.meta.url), to: '/opt/kv/static' }
 *
 * A symlink given as `from` is followed. Inside a folder, a link that points
 * within the folder stays a link; one that points outside is replaced by what
 * it points to, so no link in the image dangles.
 */
export interface CopiedFile {
  /** Path on this machine (absolute, relative to the working directory, or a file: URL). */
  from: string | URL
  /** Absolute path in the node. */
  to: string
  /** Permission bits for a single file (default: the file's own). */
  mode?: number
}

/**
 * A program from this machine together with every shared library `ldd` lists
 * for it (and the dynamic loader). Libraries keep their paths; symlinks on the
 * way (libfoo.so.1 → libfoo.so.1.2.3, /usr/bin/x → /etc/alternatives/x → ...)
 * are recreated next to the real files they point to, so a program that needs
 * its name (a multi-call binary) still finds it.
 *
 *     { binary: '/usr/local/bin/etcd' }                     // at the same path in the node
 *     { binary: 'redis-server', to: '/opt/redis/redis-server' }   // looked up on PATH
 *
 * A static program (most Go binaries) brings no libraries.
 */
export interface HostBinary {
  /** Absolute path, or a command name looked up on PATH. */
  binary: string
  /** Where it goes in the node (default: where it is on this machine). */
  to?: string
}

/**
 * A file whose contents the target writes.
 *
 *     { to: '/etc/my-kv/node.conf', content: 'port = 7000\n' }
 *     { to: '/opt/my-kv/run.sh', content: '#!/bin/sh\nexec my-kv "$@"\n', mode: 0o755 }
 */
export interface GeneratedFile {
  to: string
  content: string | Uint8Array
  /** Permission bits (default 0o644). */
  mode?: number
}

export type LayerFile = CopiedFile | HostBinary | GeneratedFile

/** A target's files and packages on top of dstest's node image. */
export interface ImageLayer {
  /** Image name: lowercase letters, digits, '.', '_', '-' (the Docker runtime tags `dstest/<name>:<hash>`). */
  name: string
  /**
   * Debian packages installed first (`apt-get install --no-install-recommends`),
   * e.g. `['zookeeper']` or `['postgresql-15']`: the node image is then built
   * with debootstrap from this machine's apt sources instead of from its own
   * binaries. A version may be pinned: `'redis-server=5:7.0.15-1~deb12u1'`.
   */
  packages?: readonly string[]
  /** Added on top, in order; a later file at the same path replaces an earlier one. */
  files?: readonly LayerFile[]
}

export const isCopiedFile = (f: LayerFile): f is CopiedFile => 'from' in f
export const isHostBinary = (f: LayerFile): f is HostBinary => 'binary' in f
export const isGeneratedFile = (f: LayerFile): f is GeneratedFile => 'content' in f

/** Where target layers conventionally put their code. */
export const TARGET_ROOT = '/opt/dstest'

const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/
// Debian policy 5.6.1 (name) and 5.6.12 (version), with an optional `=version` pin.
const PACKAGE_RE = /^[a-z0-9][a-z0-9+.-]+(=[0-9A-Za-z.+~:-]+)?$/
/** Names the Docker runtime keeps for its own images. */
export const RESERVED_NAMES: readonly string[] = ['base', 'packages']

/** A bad layer: refused before anything is built (exit 3). */
export function layerError(layer: string, message: string, fix: string, cause?: unknown): DstestError {
  return new DstestError('E_CONFIG', `image layer '${layer}': ${message}`, { fix, cause })
}

/** A layer's `to` path, checked and normalised ('/opt/x/../y' → '/opt/y'). */
export function nodePathOf(layer: string, to: unknown, where: string): string {
  if (typeof to !== 'string' || !posix.isAbsolute(to)) {
    throw layerError(layer, `${where}: 'to' must be an absolute path in the node, got ${JSON.stringify(to)}`, 'give every `to` as an absolute path, e.g. /opt/my-app/server')
  }
  return posix.normalize(to).replace(/(.)\/+$/, '$1')
}

/** A `from` as a local path. */
export function localPathOf(layer: string, from: unknown, where: string): string {
  if (from instanceof URL) {
    if (from.protocol !== 'file:') throw layerError(layer, `${where}: 'from' is a ${from.protocol} URL`, 'give a local path or a file: URL')
    return fileURLToPath(from)
  }
  if (typeof from !== 'string' || from === '') throw layerError(layer, `${where}: 'from' must be a path, got ${JSON.stringify(from)}`, 'give a local path or a file: URL')
  return from
}

function checkMode(layer: string, mode: unknown, where: string): void {
  if (mode === undefined) return
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw layerError(layer, `${where}: mode must be permission bits such as 0o755, got ${JSON.stringify(mode)}`, 'write the mode as an octal number literal')
  }
}

/**
 * Checks a layer's shape (names, paths, packages, modes) without touching the
 * disk; `resolveLayer` checks the files themselves.
 */
export function checkLayer(layer: ImageLayer): void {
  const name = typeof layer?.name === 'string' ? layer.name : String(layer?.name)
  if (!NAME_RE.test(name) || RESERVED_NAMES.includes(name)) {
    throw layerError(name, 'bad name', `use lowercase letters, digits, ".", "_" or "-" (at most 64; not ${RESERVED_NAMES.join(' or ')})`)
  }
  for (const p of layer.packages ?? []) {
    if (typeof p !== 'string' || !PACKAGE_RE.test(p)) {
      throw layerError(name, `${JSON.stringify(p)} is not a Debian package name`, 'give package names as apt-get takes them, e.g. postgresql-15 or redis-server=5:7.0.15-1~deb12u1')
    }
  }
  for (const [i, f] of (layer.files ?? []).entries()) {
    const where = `files[${i}]`
    if (typeof f !== 'object' || f === null) throw layerError(name, `${where} is not an object`, 'give { from, to }, { binary, to? } or { to, content }')
    const kinds = [isCopiedFile(f), isHostBinary(f), isGeneratedFile(f)].filter(Boolean).length
    if (kinds !== 1) throw layerError(name, `${where} must have exactly one of 'from', 'binary' or 'content'`, 'give { from, to }, { binary, to? } or { to, content }')
    if (isHostBinary(f)) {
      if (typeof f.binary !== 'string' || f.binary === '') throw layerError(name, `${where}: 'binary' must be a path or a command name`, 'e.g. /usr/local/bin/etcd')
      if (f.to !== undefined) nodePathOf(name, f.to, where)
      continue
    }
    nodePathOf(name, f.to, where)
    checkMode(name, (f as { mode?: unknown }).mode, where)
    if (isCopiedFile(f)) localPathOf(name, f.from, where)
    else if (typeof f.content !== 'string' && !(f.content instanceof Uint8Array)) {
      throw layerError(name, `${where}: content must be a string or bytes`, 'give the file contents as a string or a Buffer')
    }
  }
}
