/** `dstest image build|ls|prune`: the offline node images of the Docker runtime. */
import type { CommandModule } from 'yargs'
import { ExitCode } from '../../core/errors.js'
import { resolveTarget } from '../../run/registry.js'
import { hasImage } from '../../targets/target.js'

interface ImageArgs {
  action: string
  target?: string
  all?: boolean
}

export function imageCommand(setExit: (code: number) => void): CommandModule<object, ImageArgs> {
  return {
    command: 'image <action>',
    describe: "the offline node images: build (base, or a target's layer and Debian packages), ls, prune",
    builder: (y) =>
      y
        .positional('action', { type: 'string', choices: ['build', 'ls', 'prune'], demandOption: true })
        .option('target', { type: 'string', describe: "build: also build this target's layer" })
        .option('all', { type: 'boolean', describe: 'prune: also remove the base image (layers and package images always go)' }),
    handler: async (argv) => {
      const { imageBuild, imageList, imagePrune } = await import('../../control/docker/image.js')
      if (argv.action === 'build') {
        const target = argv.target ? await resolveTarget(argv.target) : undefined
        const layer = target && hasImage(target) ? await target.imageLayer() : undefined
        // Ctrl-C stops a package build cleanly (its root folder and partial image removed), then exits 130.
        const stop = new AbortController()
        const onSignal = (): void => stop.abort()
        process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
        const built = await imageBuild(layer, { progress: (m) => process.stderr.write(`${m}\n`), signal: stop.signal }).finally(() => {
          process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
        })
        process.stdout.write(`${built.tag} ${built.cached ? '(cached)' : `built in ${(built.ms / 1000).toFixed(1)}s`}\n`)
      } else if (argv.action === 'ls') {
        const images = await imageList()
        process.stdout.write(images.length ? images.map((i) => `${i.tag}  ${(i.sizeBytes / 1e6).toFixed(0)} MB  ${i.created}${i.packages ? `  ${i.packages.join(' ')}` : ''}`).join('\n') + '\n' : 'no dstest images\n')
      } else {
        const { removed } = await imagePrune({ all: Boolean(argv.all) })
        process.stdout.write(removed.length ? `removed:\n${removed.map((r) => `  ${r}`).join('\n')}\n` : 'nothing to remove\n')
      }
      setExit(ExitCode.valid)
    },
  }
}
