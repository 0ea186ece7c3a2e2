/**
 * A target's files on top of a base image (the host-binary base, or a package
 * image): one `ADD layer.tar /` through the engine's build API. The archive
 * holds only the layer's own entries, and the engine unpacks it inside the
 * image, so parent folders that are links there (/var/run → /run) are followed
 * and folders that exist keep their owner and mode.
 *
 *   dstest/<layer>:<hash>     (the hash covers the base tag and every file's contents)
 */
import { Readable } from 'node:stream'
import type { ResolvedLayer } from '../image/resolve.js'
import type { BuiltImage } from './base-image.js'
import { IMAGE_LABEL, type Engine } from './engine.js'
import { fingerprint, toTarEntries } from './layer-tar.js'
import { tarSize, tarStream, type TarEntry } from './tar.js'

/** Bump when the recipe below changes in a way the entries do not show. */
const RECIPE_VERSION = 3

/** Builds the layer on `baseTag` unless its tag exists. */
export async function ensureLayerImage(engine: Engine, layer: ResolvedLayer, baseTag: string): Promise<BuiltImage> {
  const started = performance.now()
  const dockerfile = ['FROM ' + baseTag, 'ADD layer.tar /', `LABEL ${IMAGE_LABEL}=${layer.name}`].join('\n') + '\n'
  const tag = `dstest/${layer.name}:${await fingerprint(layer.entries, `layer-v${RECIPE_VERSION}\0${dockerfile}`, true)}`
  if (await engine.hasImage(tag)) return { tag, cached: true, ms: performance.now() - started }
  const inner = toTarEntries(layer.entries)
  const context = [
    { path: 'Dockerfile', type: 'file', content: Buffer.from(dockerfile) } satisfies TarEntry,
    { path: 'layer.tar', type: 'file' as const, mode: 0o644, size: tarSize(inner), stream: () => tarStream(inner) },
  ]
  await engine.buildImage(Readable.from(tarStream(context)), tag, { [IMAGE_LABEL]: layer.name })
  return { tag, cached: false, ms: performance.now() - started }
}
