/**
 * A target's image layer (the files the Docker runtime puts in its image) on
 * an SSH host: packed as one tar, named by its sha256, unpacked once into a
 * per-user cache on the host (~/.cache/dstest/layers/<name>-<hash>, made
 * complete before it is renamed into place), then copied into the run's root
 * on the host. A second run with the same files sends nothing.
 */
import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { EnvironmentError } from '../../core/errors.js'
import type { ImageLayer } from '../docker/image.js'
import { localEntries, tarStream, type TarEntry, type TarFileSource } from '../docker/tar.js'
import { shellCommand } from './quote.js'
import type { SshRemote } from './remote.js'

export interface PackedLayer {
  name: string
  hash: string
  archive: Buffer
}

/** The layer as one archive whose paths are its files' node paths without the leading '/'. */
export async function packLayer(layer: ImageLayer): Promise<PackedLayer> {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(layer.name)) {
    throw new EnvironmentError('E_CLUSTER', `bad image layer name '${layer.name}'`, 'use lowercase letters, digits, ".", "_" or "-"')
  }
  const entries: (TarEntry | TarFileSource)[] = []
  for (const f of layer.files) {
    if (!posix.isAbsolute(f.to)) throw new EnvironmentError('E_CLUSTER', `image layer '${layer.name}': '${f.to}' is not an absolute path`, 'give every `to` as an absolute node path')
    try {
      entries.push(...(await localEntries(f.from, f.to.replace(/^\/+/, ''))))
    } catch (e) {
      throw new EnvironmentError('E_CLUSTER', `image layer '${layer.name}': cannot read ${f.from}`, 'check the path the target gives in imageLayer()', e)
    }
  }
  const parts: Buffer[] = []
  for await (const c of tarStream(entries)) parts.push(c)
  const archive = Buffer.concat(parts)
  return { name: layer.name, hash: createHash('sha256').update(archive).digest('hex').slice(0, 16), archive }
}

/** Where the layer is cached on a host whose login's home is `home`. */
export function layerCacheDir(home: string, layer: Pick<PackedLayer, 'name' | 'hash'>): string {
  const base = home.startsWith('/') ? `${home.replace(/\/+$/, '')}/.cache/dstest/layers` : '/tmp/dstest-layers'
  return `${base}/${layer.name}-${layer.hash}`
}

/** Copies a cached layer into the run's root: exit 3 when the cache is not there. */
const COPY = '[ -d "$1" ] || exit 3; cp -R -p -- "$1/." "$2/"'
/** Unpacks stdin into a fresh folder next to the cache, renames it into place, then copies it. */
const FILL = 'mkdir -p -- "$(dirname "$1")" && t=$(mktemp -d "$1.XXXXXX") && tar -x -m -f - -C "$t" && chmod 755 "$t" && { mv -T -- "$t" "$1" 2>/dev/null || rm -rf -- "$t"; } && [ -d "$1" ] && cp -R -p -- "$1/." "$2/"'

/** Puts the layer under `root` on the host; returns whether it was already cached there. */
export async function installLayer(remote: SshRemote, who: string, home: string, layer: PackedLayer, root: string): Promise<{ cached: boolean }> {
  const cache = layerCacheDir(home, layer)
  const copied = await remote.raw(shellCommand(['sh', '-c', COPY, 'dstest-layer', cache, root]), { timeoutMs: 60_000 })
  if (copied.exitCode === 0) return { cached: true }
  if (copied.exitCode !== 3) throw failed(who, layer, copied.stderr)
  const filled = await remote.raw(shellCommand(['sh', '-c', FILL, 'dstest-layer', cache, root]), { stdin: layer.archive, timeoutMs: 120_000 })
  if (filled.exitCode !== 0) throw failed(who, layer, filled.stderr)
  return { cached: false }
}

function failed(who: string, layer: PackedLayer, stderr: Buffer): EnvironmentError {
  return new EnvironmentError('E_CLUSTER', `${who}: cannot install the ${layer.name} files: ${stderr.toString('utf8').trim().split('\n')[0] ?? ''}`, 'check the disk and the home folder on the host')
}
