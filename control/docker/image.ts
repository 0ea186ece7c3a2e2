/**
 * Images, built offline (the engine here cannot pull). A node's image is
 *
 *   - the base (./base-image.ts), from the host's own binaries, or, when the
 *     target names Debian packages, a package image (./package-image.ts),
 *     debootstrapped from the machine's apt sources with those packages;
 *   - then the target's files on top (./layer-image.ts), when it has any.
 *
 * Every image is tagged by a hash of what went into it, so a second run finds
 * the tag and builds nothing. `dstest image build | ls | prune` are here too.
 */
import { type ImageLayer } from '../image/layer.js'
import { resolveLayer, type ResolvedLayer } from '../image/resolve.js'
import { BASE_NAME, baseImageTag, ensureBaseImage, type BuiltImage } from './base-image.js'
import { Engine, IMAGE_LABEL } from './engine.js'
import { ensureLayerImage } from './layer-image.js'
import { ensurePackageImage, PACKAGES_LABEL, PACKAGES_NAME, removeStaleBuilds, type PackageBuildOptions } from './package-image.js'

export type { ImageLayer } from '../image/layer.js'
export { BASE_NAME, TARGET_ROOT, baseImageTag, ensureBaseImage, type BuiltImage } from './base-image.js'

export type ImageBuildOptions = PackageBuildOptions

/** The image a run uses: the target's layer on the base or its package image, or the base alone. */
export async function ensureImage(engine: Engine, layer?: ImageLayer | ResolvedLayer, options: ImageBuildOptions = {}): Promise<BuiltImage> {
  const resolved = layer && !('entries' in layer) ? await resolveLayer(layer) : layer
  const below = resolved && resolved.packages.length > 0 ? await ensurePackageImage(engine, resolved.packages, options) : await ensureBaseImage(engine)
  if (!resolved || resolved.entries.length === 0) return below
  const built = await ensureLayerImage(engine, resolved, below.tag)
  return { ...built, cached: below.cached && built.cached, ms: below.ms + built.ms }
}

// ---- `dstest image build | ls | prune` ----

export interface ImageInfo {
  tag: string
  /** base, packages, or the layer's name. */
  name: string
  /** For a package image: the packages it holds. */
  packages?: string[]
  sizeBytes: number
  created: string
}

/** `dstest image build [layer]`: a bad layer is refused (exit 3) before the engine is asked anything. */
export async function imageBuild(layer?: ImageLayer, options: ImageBuildOptions & { socketPath?: string } = {}): Promise<BuiltImage> {
  const resolved = layer ? await resolveLayer(layer) : undefined
  return ensureImage(await Engine.connect(options.socketPath), resolved, options)
}

/** `dstest image ls`: every image dstest built. */
export async function imageList(socketPath?: string): Promise<ImageInfo[]> {
  const engine = await Engine.connect(socketPath)
  const images = await engine.listImages(IMAGE_LABEL)
  return images
    .flatMap((i) =>
      (i.tags.length ? i.tags : [i.id]).map((tag) => {
        const packages = i.labels[PACKAGES_LABEL]
        return {
          tag,
          name: i.labels[IMAGE_LABEL] ?? '?',
          ...(packages !== undefined ? { packages: packages.split(',').filter(Boolean) } : {}),
          sizeBytes: i.sizeBytes,
          created: i.created.toISOString(),
        }
      }),
    )
    .sort((a, b) => (a.tag < b.tag ? -1 : 1))
}

/** Layers go before the package images and the base they are built on (a parent cannot go while a child exists). */
const pruneOrder = (name: string | undefined): number => (name === BASE_NAME ? 2 : name === PACKAGES_NAME ? 1 : 0)

/**
 * `dstest image prune`: removes dstest images (target layers and package
 * images), keeping the current base unless `all`, and the root folders of
 * package builds that were killed. Images still used by a container are
 * removed with them (force).
 */
export async function imagePrune(options: { all?: boolean; keep?: string[] } = {}, socketPath?: string): Promise<{ removed: string[] }> {
  const engine = await Engine.connect(socketPath)
  const keep = new Set(options.keep ?? [])
  if (!options.all) keep.add(await baseImageTag())
  const removed: string[] = []
  const images = (await engine.listImages(IMAGE_LABEL)).sort((a, b) => pruneOrder(a.labels[IMAGE_LABEL]) - pruneOrder(b.labels[IMAGE_LABEL]))
  for (const image of images) {
    if (image.tags.some((t) => keep.has(t))) continue
    for (const name of image.tags.length ? image.tags : [image.id]) {
      await engine.removeImage(name)
      removed.push(name)
    }
  }
  for (const dir of await removeStaleBuilds()) removed.push(`folder ${dir}`)
  return { removed }
}
