/**
 * A target's image layer (the files the Docker runtime puts in its image) on
 * an SSH host: packed as one tar, named by its sha256, unpacked once into a
 * per-user cache on the host (~/.cache/dstest/layers/<name>-<hash>, made
 * complete before it is renamed into place), then copied into the run's root
 * on the host. A second run with the same files sends nothing.
 */
import { createHash } from 'node:crypto'
import { EnvironmentError } from '../../core/errors.js'
import { toTarEntries } from '../docker/layer-tar.js'
import { tarStream } from '../docker/tar.js'
import type { ImageLayer } from '../image/layer.js'
import { resolveLayer } from '../image/resolve.js'
import { shellCommand } from './quote.js'
import type { SshRemote } from './remote.js'

export interface PackedLayer {
  name: string
  hash: string
  archive: Buffer
  /** Debian packages the layer names: not installed over SSH, but checked on every host. */
  packages: string[]
}

/** The layer as one archive whose paths are its files' node paths without the leading '/'. */
export async function packLayer(layer: ImageLayer): Promise<PackedLayer> {
  // Checks the layer (exit 3 naming the file) and lists its files, folders, links and host programs' libraries.
  const resolved = await resolveLayer(layer)
  const parts: Buffer[] = []
  for await (const c of tarStream(toTarEntries(resolved.entries))) parts.push(c)
  const archive = Buffer.concat(parts)
  return { name: resolved.name, hash: createHash('sha256').update(archive).digest('hex').slice(0, 16), archive, packages: resolved.packages }
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
  if (layer.packages.length > 0) await checkPackages(remote, who, layer.packages)
  const cache = layerCacheDir(home, layer)
  const copied = await remote.raw(shellCommand(['sh', '-c', COPY, 'dstest-layer', cache, root]), { timeoutMs: 60_000 })
  if (copied.exitCode === 0) return { cached: true }
  if (copied.exitCode !== 3) throw failed(who, layer, copied.stderr)
  const filled = await remote.raw(shellCommand(['sh', '-c', FILL, 'dstest-layer', cache, root]), { stdin: layer.archive, timeoutMs: 120_000 })
  if (filled.exitCode !== 0) throw failed(who, layer, filled.stderr)
  return { cached: false }
}

/** The layer's Debian packages must be installed on the host already (nothing is installed over SSH). */
async function checkPackages(remote: SshRemote, who: string, packages: readonly string[]): Promise<void> {
  const names = packages.map((p) => p.replace(/=.*/, ''))
  const r = await remote.raw(shellCommand(['dpkg-query', '-W', '-f', '${Package} ${db:Status-Abbrev}\\n', '--', ...names]), { timeoutMs: 30_000 })
  if (r.exitCode === 127) {
    throw new EnvironmentError('E_CLUSTER', `${who}: the target needs Debian packages (${names.join(', ')}), and the host has no dpkg-query to check them`, 'run it on Debian hosts that have them installed, or with --runtime docker')
  }
  const installed = new Set(r.stdout.toString('utf8').split('\n').filter((l) => /^\S+ ii/.test(l)).map((l) => l.split(' ')[0]!.replace(/:.*/, '')))
  const missing = names.filter((n) => !installed.has(n))
  if (missing.length > 0) {
    throw new EnvironmentError('E_CLUSTER', `${who}: the target needs Debian packages that are not installed there: ${missing.join(', ')}`, `install them on every host (apt-get install -y ${missing.join(' ')})`)
  }
}

function failed(who: string, layer: PackedLayer, stderr: Buffer): EnvironmentError {
  return new EnvironmentError('E_CLUSTER', `${who}: cannot install the ${layer.name} files: ${stderr.toString('utf8').trim().split('\n')[0] ?? ''}`, 'check the disk and the home folder on the host')
}
