/**
 * The base image, built offline from the host's own binaries: node, dash as
 * /bin/sh, ip, tc, iptables-nft, libfaketime, a few coreutils and every shared
 * library `ldd` lists for them, streamed as a tar into `docker import`. It is
 * tagged by a fingerprint of what went in, so a second run builds nothing.
 *
 *   dstest/base:<hash>
 */
import { lstat, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import { Readable } from 'node:stream'
import { EnvironmentError } from '../../core/errors.js'
import { CONTROL_DIR } from '../faketime.js'
import { EntrySet, isHostFile, type LayerEntry } from '../image/entries.js'
import { addHostPath, addLibraries } from '../image/host-files.js'
import { TARGET_ROOT } from '../image/layer.js'
import { Engine, IMAGE_LABEL } from './engine.js'
import { fingerprint, toTarEntries } from './layer-tar.js'
import { tarStream } from './tar.js'

export interface BuiltImage {
  tag: string
  /** True when the tag already existed and nothing was built. */
  cached: boolean
  ms: number
}

/** Bump when the recipe below changes in a way the file list does not show. */
const RECIPE_VERSION = 3
export const BASE_NAME = 'base'
export { TARGET_ROOT }
/** The PATH of every image dstest builds. */
export const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

const BINARIES = [
  '/usr/bin/node',
  '/usr/bin/dash',
  '/usr/sbin/ip',
  '/usr/sbin/tc',
  '/usr/sbin/xtables-nft-multi',
  // Small conveniences for targets and for upload (mkdir -p before putArchive); sleep is each node's idle main process.
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
  '/etc/nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n',
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n',
  '/etc/group': 'root:x:0:\nnogroup:x:65534:\n',
}

/** Adds a folder entry for every parent that has none: `docker import` starts from nothing. */
function withParents(set: EntrySet): void {
  for (const e of set.list()) {
    for (let p = posix.dirname(e.path); p !== '/'; p = posix.dirname(p)) {
      if (!set.has(p)) set.add({ path: p, type: 'dir', mode: 0o755 })
    }
  }
}

/** The base root filesystem, as entries (nothing read yet but metadata). */
export async function baseRootEntries(): Promise<LayerEntry[]> {
  const root = new EntrySet()
  for (const name of ['bin', 'sbin', 'lib', 'lib64']) {
    root.add({ path: `/usr/${name}`, type: 'dir', mode: 0o755 })
    root.add({ path: `/${name}`, type: 'symlink', linkname: `usr/${name}` })
  }
  root.add({ path: '/tmp', type: 'dir', mode: 0o1777 })
  root.add({ path: '/root', type: 'dir', mode: 0o700 })
  for (const dir of [CONTROL_DIR, TARGET_ROOT, '/proc', '/sys', '/dev', '/etc']) root.add({ path: dir, type: 'dir', mode: 0o755 })
  const faketime = (await readdir(FAKETIME_DIR)).sort().map((f) => `${FAKETIME_DIR}/${f}`)
  // xtables plugins are loaded with dlopen, which `ldd` on iptables cannot see.
  const plugins = (await readdir(XTABLES_DIR)).sort().map((f) => `${XTABLES_DIR}/${f}`)
  const binaries = [...BINARIES, ...faketime, ...plugins]
  for (const b of binaries) await addHostPath(root, b)
  const files = root.list().filter(isHostFile).map((e) => e.from)
  await addLibraries(root, files)
  root.add({ path: '/usr/bin/sh', type: 'symlink', linkname: 'dash' })
  for (const name of IPTABLES_LINKS) root.add({ path: `/usr/sbin/${name}`, type: 'symlink', linkname: 'xtables-nft-multi' })
  await addHostPath(root, '/etc/iproute2')
  for (const f of ETC_FILES) {
    try {
      await addHostPath(root, f)
    } catch {
      // optional
    }
  }
  for (const [path, content] of Object.entries(GENERATED)) root.add({ path, type: 'file', mode: 0o644, content: Buffer.from(content) })
  withParents(root)
  return root.list()
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

async function computeBase(): Promise<{ tag: string; entries: LayerEntry[] }> {
  const entries = await baseRootEntries()
  const tag = `dstest/${BASE_NAME}:${await fingerprint(entries, `base-v${RECIPE_VERSION}`, false)}`
  const files: TagCache['files'] = []
  for (const e of entries) {
    if (!isHostFile(e)) continue
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
  let entries: LayerEntry[]
  let tag: string
  try {
    ;({ tag, entries } = await computeBase())
  } catch (e) {
    throw toolMissing(e)
  }
  if (await engine.hasImage(tag)) return { tag, cached: true, ms: performance.now() - started }
  await engine.importImage(Readable.from(tarStream(toTarEntries(entries))), tag, [
    `LABEL ${IMAGE_LABEL}=${BASE_NAME}`,
    `ENV PATH=${IMAGE_PATH}`,
    'CMD ["/bin/sh"]',
  ])
  return { tag, cached: false, ms: performance.now() - started }
}
