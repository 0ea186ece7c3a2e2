/**
 * Images, built offline. The engine here cannot pull, so the base image is a
 * root filesystem assembled from the host's own binaries (node, dash as
 * /bin/sh, ip, tc, iptables-nft, libfaketime, a few coreutils and every shared
 * library `ldd` lists for them), streamed as a tar into `docker import`.
 * A target adds an `ImageLayer` on top (`FROM base` + `COPY`, built through the
 * engine's build API with a tar context).
 *
 * Every image is tagged by a hash of what went into it, so a second run finds
 * the tag and builds nothing.
 *
 *   dstest/base:<hash>        the base
 *   dstest/<layer>:<hash>     a target layer (its hash covers the base tag)
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { lstat, readdir, readFile, readlink, realpath, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, posix, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { EnvironmentError } from '../../core/errors.js'
import { CONTROL_DIR } from '../faketime.js'
import { Engine, IMAGE_LABEL } from './engine.js'
import { localEntries, tarStream, type TarEntry, type TarFileSource } from './tar.js'

const run = promisify(execFile)

/** A target's files on top of the base image. */
export interface ImageLayer {
  /** Image name: lowercase letters, digits, '.', '_', '-' (tagged `dstest/<name>:<hash>`). */
  name: string
  files: { from: string /* local path */; to: string /* path in image */ }[]
}

export interface BuiltImage {
  tag: string
  /** True when the tag already existed and nothing was built. */
  cached: boolean
  ms: number
}

/** Bump when the recipe below changes in a way the file list does not show. */
const RECIPE_VERSION = 2
export const BASE_NAME = 'base'
/** Where target layers conventionally put their code. */
export const TARGET_ROOT = '/opt/dstest'

const BINARIES = [
  '/usr/bin/node',
  '/usr/bin/dash',
  '/usr/sbin/ip',
  '/usr/sbin/tc',
  '/usr/sbin/xtables-nft-multi',
  // Small conveniences for targets and for upload (mkdir -p before putArchive).
  ...['cat', 'ls', 'mkdir', 'rm', 'cp', 'mv', 'ln', 'sleep', 'date', 'env', 'true', 'false', 'touch', 'chmod', 'tail', 'head'].map(
    (b) => `/usr/bin/${b}`,
  ),
]
const FAKETIME_DIR = '/usr/lib/x86_64-linux-gnu/faketime'
const XTABLES_DIR = '/usr/lib/x86_64-linux-gnu/xtables'
const IPTABLES_LINKS = [
  'iptables',
  'iptables-restore',
  'iptables-save',
  'iptables-nft',
  'iptables-nft-restore',
  'iptables-nft-save',
  'ip6tables',
  'ip6tables-restore',
  'ip6tables-save',
]
/** Config files copied when the host has them. */
const ETC_FILES = ['/etc/protocols', '/etc/services']

const GENERATED: Record<string, string> = {
  // Without `networks: files`, every `iptables -s NAME` waits 10 s on DNS.
  'etc/nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n',
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n',
  'etc/group': 'root:x:0:\nnogroup:x:65534:\n',
}

type RootEntry = TarEntry | TarFileSource

/** Maps merged-/usr paths (/bin, /lib64, ...) to where the file really lives. */
function usrPath(p: string): string {
  return p.replace(/^\/(bin|sbin|lib|lib64)(\/|$)/, '/usr/$1$2')
}

/**
 * The shared libraries `ldd` lists for each binary, in one `ldd` call (it
 * prints a "path:" line before each file's list when given several).
 */
async function lddPaths(binaries: readonly string[]): Promise<string[]> {
  let out: string
  try {
    out = (await run('ldd', [...binaries], { maxBuffer: 16 << 20 })).stdout
  } catch (e) {
    // Exit 1 when some file is static ("not a dynamic executable"): the rest is still listed.
    out = (e as { stdout?: string }).stdout ?? ''
    if (!out) throw e
  }
  const paths = new Set<string>()
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s+(\/\S+)\s+\(/.exec(line)
    if (m?.[1]) paths.add(m[1])
  }
  return [...paths].sort()
}

class RootBuilder {
  readonly entries = new Map<string, RootEntry>()

  dir(path: string, mode = 0o755): void {
    const p = path.replace(/^\/+/, '').replace(/\/+$/, '')
    if (!p) return
    this.dir(posix.dirname(p) === '.' ? '' : posix.dirname(p))
    if (!this.entries.has(p)) this.entries.set(p, { path: p, type: 'dir', mode })
  }

  symlink(path: string, target: string): void {
    const p = path.replace(/^\/+/, '')
    this.dir(posix.dirname(p) === '.' ? '' : posix.dirname(p))
    if (!this.entries.has(p)) this.entries.set(p, { path: p, type: 'symlink', linkname: target })
  }

  text(path: string, content: string, mode = 0o644): void {
    const p = path.replace(/^\/+/, '')
    this.dir(posix.dirname(p) === '.' ? '' : posix.dirname(p))
    this.entries.set(p, { path: p, type: 'file', mode, content: Buffer.from(content) })
  }

  /** Copies a host path (following symlink chains, keeping each link) into the same place. */
  async hostPath(hostPath: string, as?: string): Promise<void> {
    const p = usrPath(hostPath)
    const at = (as ?? p).replace(/^\/+/, '')
    if (this.entries.has(at)) return
    const st = await lstat(p)
    if (st.isSymbolicLink()) {
      const target = await readlink(p)
      this.symlink(at, target)
      await this.hostPath(resolve(dirname(p), target))
      return
    }
    if (st.isDirectory()) {
      this.dir(at, st.mode & 0o7777)
      for (const name of (await readdir(p)).sort()) await this.hostPath(`${p}/${name}`, `${at}/${name}`)
      return
    }
    if (!st.isFile()) return
    this.dir(posix.dirname(at))
    this.entries.set(at, { path: at, type: 'file', mode: st.mode & 0o7777, size: st.size, from: p })
  }

  /** Copies binaries and every library they load. */
  async withLibraries(binaries: readonly string[]): Promise<void> {
    for (const b of binaries) await this.hostPath(b)
    const real = await Promise.all(binaries.map((b) => realpath(b)))
    for (const lib of await lddPaths(real)) await this.hostPath(lib)
  }
}

/** The base root filesystem, as archive entries (nothing read yet but metadata). */
export async function baseRootEntries(): Promise<RootEntry[]> {
  const root = new RootBuilder()
  for (const [link, target] of [
    ['bin', 'usr/bin'],
    ['sbin', 'usr/sbin'],
    ['lib', 'usr/lib'],
    ['lib64', 'usr/lib64'],
  ] as const) {
    root.dir('usr/' + target.slice(4))
    root.symlink(link, target)
  }
  root.dir('tmp', 0o1777)
  root.dir('root', 0o700)
  root.dir(CONTROL_DIR)
  root.dir(TARGET_ROOT)
  root.dir('proc')
  root.dir('sys')
  root.dir('dev')
  root.dir('etc')
  const faketime = (await readdir(FAKETIME_DIR)).sort().map((f) => `${FAKETIME_DIR}/${f}`)
  // xtables plugins are loaded with dlopen, which `ldd` on iptables cannot see.
  const plugins = (await readdir(XTABLES_DIR)).sort().map((f) => `${XTABLES_DIR}/${f}`)
  await root.withLibraries([...BINARIES, ...faketime, ...plugins])
  root.symlink('usr/bin/sh', 'dash')
  for (const name of IPTABLES_LINKS) root.symlink(`usr/sbin/${name}`, 'xtables-nft-multi')
  await root.hostPath('/etc/iproute2')
  for (const f of ETC_FILES) {
    try {
      await root.hostPath(f)
    } catch {
      // optional
    }
  }
  for (const [path, content] of Object.entries(GENERATED)) root.text(path, content)
  return [...root.entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** A fingerprint of the entries: paths, modes, links, sizes, and contents (hashed from disk). */
async function fingerprint(entries: readonly RootEntry[], seed: string, hashContents: boolean): Promise<string> {
  const h = createHash('sha256')
  h.update(`${seed}\0`)
  for (const e of entries) {
    h.update(`${e.path}\0${e.type}\0${e.mode ?? ''}\0`)
    if ('from' in e) {
      h.update(`${e.size}\0`)
      if (hashContents) {
        for await (const chunk of createReadStream(e.from) as AsyncIterable<Buffer>) h.update(chunk)
      } else {
        const st = await lstat(e.from)
        h.update(`${st.mtimeMs}\0${st.ino}\0`)
      }
    } else if (e.type === 'symlink') h.update(`${e.linkname}\0`)
    else if (e.content) h.update(e.content)
  }
  return h.digest('hex').slice(0, 12)
}

/**
 * Listing the base (one `ldd` over ~140 files) takes ~0.6 s, so the tag is
 * remembered in a small file keyed by the stat of every file that went in;
 * it is trusted only while all of them are unchanged.
 */
const TAG_CACHE = join(tmpdir(), `dstest-base-tag-v${RECIPE_VERSION}.json`)

interface TagCache {
  tag: string
  files: [path: string, size: number, mtimeMs: number, ino: number][]
}

async function cachedBaseTag(): Promise<string | undefined> {
  try {
    const cache = JSON.parse(await readFile(TAG_CACHE, 'utf8')) as TagCache
    const same = await Promise.all(
      cache.files.map(async ([p, size, mtimeMs, ino]) => {
        const st = await lstat(p)
        return st.size === size && st.mtimeMs === mtimeMs && st.ino === ino
      }),
    )
    return same.every(Boolean) && cache.files.length > 0 ? cache.tag : undefined
  } catch {
    return undefined
  }
}

async function computeBase(): Promise<{ tag: string; entries: RootEntry[] }> {
  // Host binaries are identified by size, mtime and inode (hashing 100 MB of
  // node on every run would cost more than the cache saves).
  const entries = await baseRootEntries()
  const tag = `dstest/${BASE_NAME}:${await fingerprint(entries, `base-v${RECIPE_VERSION}`, false)}`
  const files: TagCache['files'] = []
  for (const e of entries) {
    if (!('from' in e)) continue
    const st = await lstat(e.from)
    files.push([e.from, st.size, st.mtimeMs, st.ino])
  }
  // The plugin and faketime folders too: a new file there changes the image.
  for (const dir of [XTABLES_DIR, FAKETIME_DIR]) {
    const st = await lstat(dir)
    files.push([dir, st.size, st.mtimeMs, st.ino])
  }
  try {
    const temp = `${TAG_CACHE}.${process.pid}.tmp`
    await writeFile(temp, JSON.stringify({ tag, files } satisfies TagCache))
    await rename(temp, TAG_CACHE)
  } catch {
    // A cache we cannot write only costs time.
  }
  return { tag, entries }
}

/** The tag the base image has on this host (without building it). */
export async function baseImageTag(): Promise<string> {
  return (await cachedBaseTag()) ?? (await computeBase()).tag
}

function toolMissing(e: unknown): EnvironmentError {
  const detail = e instanceof Error ? e.message : String(e)
  return new EnvironmentError(
    'E_ENGINE',
    `cannot assemble the base image from host binaries: ${detail}`,
    'install them: apt-get install -y iptables iproute2 faketime (and node 20)',
    e,
  )
}

/** Builds the base image unless its tag exists. */
export async function ensureBaseImage(engine: Engine): Promise<BuiltImage> {
  const started = performance.now()
  const remembered = await cachedBaseTag()
  if (remembered && (await engine.hasImage(remembered))) return { tag: remembered, cached: true, ms: performance.now() - started }
  let entries: RootEntry[]
  let tag: string
  try {
    ;({ tag, entries } = await computeBase())
  } catch (e) {
    throw toolMissing(e)
  }
  if (await engine.hasImage(tag)) return { tag, cached: true, ms: performance.now() - started }
  await engine.importImage(Readable.from(tarStream(entries)), tag, [
    `LABEL ${IMAGE_LABEL}=${BASE_NAME}`,
    'ENV PATH=/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin',
    'CMD ["/bin/sh"]',
  ])
  return { tag, cached: false, ms: performance.now() - started }
}

const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/

/** Builds a target layer on the base unless its tag exists. */
export async function ensureLayerImage(engine: Engine, layer: ImageLayer, baseTag?: string): Promise<BuiltImage> {
  const started = performance.now()
  if (!NAME_RE.test(layer.name) || layer.name === BASE_NAME) {
    throw new EnvironmentError('E_CLUSTER', `bad image layer name '${layer.name}'`, 'use lowercase letters, digits, ".", "_" or "-" (not "base")')
  }
  const base = baseTag ?? (await ensureBaseImage(engine)).tag
  const entries: RootEntry[] = []
  const lines = [`FROM ${base}`]
  for (const [i, f] of layer.files.entries()) {
    if (!posix.isAbsolute(f.to)) {
      throw new EnvironmentError('E_CLUSTER', `image layer '${layer.name}': '${f.to}' is not an absolute path`, 'give every `to` as an absolute path in the image')
    }
    try {
      entries.push(...(await localEntries(f.from, `files/${i}`)))
    } catch (e) {
      throw new EnvironmentError('E_CLUSTER', `image layer '${layer.name}': cannot read ${f.from}`, 'check the path the target gives in imageLayer()', e)
    }
    lines.push(`COPY ${JSON.stringify([`files/${i}`, f.to])}`)
  }
  lines.push(`LABEL ${IMAGE_LABEL}=${layer.name}`)
  const dockerfile: TarEntry = { path: 'Dockerfile', type: 'file', content: Buffer.from(lines.join('\n') + '\n') }
  const all = [dockerfile, ...entries]
  const tag = `dstest/${layer.name}:${await fingerprint(all, `layer-v${RECIPE_VERSION}`, true)}`
  if (await engine.hasImage(tag)) return { tag, cached: true, ms: performance.now() - started }
  await engine.buildImage(Readable.from(tarStream(all)), tag, { [IMAGE_LABEL]: layer.name })
  return { tag, cached: false, ms: performance.now() - started }
}

/** The image a run uses: the target's layer on the base, or the base alone. */
export async function ensureImage(engine: Engine, layer?: ImageLayer): Promise<BuiltImage> {
  const base = await ensureBaseImage(engine)
  if (!layer) return base
  const built = await ensureLayerImage(engine, layer, base.tag)
  return { ...built, cached: base.cached && built.cached, ms: base.ms + built.ms }
}

// ---- `dstest image build | ls | prune` ----

export interface ImageInfo {
  tag: string
  name: string
  sizeBytes: number
  created: string
}

/** `dstest image build [layer]`. */
export async function imageBuild(layer?: ImageLayer, socketPath?: string): Promise<BuiltImage> {
  return ensureImage(await Engine.connect(socketPath), layer)
}

/** `dstest image ls`: every image dstest built. */
export async function imageList(socketPath?: string): Promise<ImageInfo[]> {
  const engine = await Engine.connect(socketPath)
  const images = await engine.listImages(IMAGE_LABEL)
  return images
    .flatMap((i) =>
      (i.tags.length ? i.tags : [i.id]).map((tag) => ({
        tag,
        name: i.labels[IMAGE_LABEL] ?? '?',
        sizeBytes: i.sizeBytes,
        created: i.created.toISOString(),
      })),
    )
    .sort((a, b) => (a.tag < b.tag ? -1 : 1))
}

/**
 * `dstest image prune`: removes dstest images, keeping the current base unless
 * `all`. Images still used by a container are removed with them (force).
 */
export async function imagePrune(options: { all?: boolean; keep?: string[] } = {}, socketPath?: string): Promise<{ removed: string[] }> {
  const engine = await Engine.connect(socketPath)
  const keep = new Set(options.keep ?? [])
  if (!options.all) keep.add(await baseImageTag())
  const removed: string[] = []
  // Layers first: the base cannot go while a child image still exists.
  const images = (await engine.listImages(IMAGE_LABEL)).sort(
    (a, b) => Number(a.labels[IMAGE_LABEL] === BASE_NAME) - Number(b.labels[IMAGE_LABEL] === BASE_NAME),
  )
  for (const image of images) {
    if (image.tags.some((t) => keep.has(t))) continue
    const name = image.tags[0] ?? image.id
    await engine.removeImage(image.tags[0] ?? image.id)
    removed.push(name)
  }
  return { removed }
}
