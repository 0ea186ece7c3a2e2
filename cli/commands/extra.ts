/** Commands around the Docker runtime: doctor, cleanup, image. */
import type { CommandModule } from 'yargs'
import { ExitCode } from '../../core/errors.js'
import { resolveRuntime } from '../../run/runtimes.js'
import { resolveTarget } from '../../run/registry.js'
import { hasImage } from '../../targets/target.js'

type Handler = CommandModule<object, Record<string, unknown>>

export function extraCommands(setExit: (code: number) => void): Handler[] {
  const doctorCmd: Handler = {
    command: 'doctor',
    describe: 'check the environment: Docker engine, iptables backend, netem, libfaketime, disk space',
    builder: (y) => y.option('json', { type: 'boolean', describe: 'print the checks as JSON' }),
    handler: async (argv) => {
      const { doctor, worstStatus } = await import('../../control/docker/doctor.js')
      const checks = await doctor()
      if (argv.json) process.stdout.write(JSON.stringify(checks, null, 2) + '\n')
      else {
        const w = Math.max(...checks.map((c) => c.name.length))
        for (const c of checks) {
          const mark = c.status === 'ok' ? 'ok  ' : c.status === 'warn' ? 'warn' : 'FAIL'
          process.stdout.write(`${mark}  ${c.name.padEnd(w)}  ${c.detail}${c.fix && c.status !== 'ok' ? `\n      fix: ${c.fix}` : ''}\n`)
        }
      }
      setExit(worstStatus(checks) === 'fail' ? ExitCode.environment : ExitCode.valid)
    },
  }

  const cleanupCmd: Handler = {
    command: 'cleanup',
    describe: 'remove containers, networks and control folders that killed runs left behind (found by their dstest.run label)',
    builder: (y) => y.option('run', { type: 'string', describe: 'only this run id (default: every dstest run, including running ones)' }),
    handler: async (argv) => {
      const runtime = await resolveRuntime('docker')
      const { removed } = await runtime.cleanup(argv.run as string | undefined)
      process.stdout.write(removed.length ? `removed ${removed.length}:\n${removed.map((r) => `  ${r}`).join('\n')}\n` : 'nothing to remove\n')
      setExit(ExitCode.valid)
    },
  }

  const imageCmd: Handler = {
    command: 'image <action>',
    describe: 'the offline node images: build (base, or a target\'s layer), ls, prune',
    builder: (y) =>
      y
        .positional('action', { type: 'string', choices: ['build', 'ls', 'prune'], demandOption: true })
        .option('target', { type: 'string', describe: 'build: also build this target\'s layer' })
        .option('all', { type: 'boolean', describe: 'prune: also remove the base image' }),
    handler: async (argv) => {
      const { imageBuild, imageList, imagePrune } = await import('../../control/docker/image.js')
      if (argv.action === 'build') {
        const target = argv.target ? await resolveTarget(argv.target as string) : undefined
        const built = await imageBuild(target && hasImage(target) ? target.imageLayer() : undefined)
        process.stdout.write(`${built.tag} ${built.cached ? '(cached)' : `built in ${(built.ms / 1000).toFixed(1)}s`}\n`)
      } else if (argv.action === 'ls') {
        const images = await imageList()
        process.stdout.write(images.length ? images.map((i) => `${i.tag}  ${(i.sizeBytes / 1e6).toFixed(0)} MB  ${i.created}`).join('\n') + '\n' : 'no dstest images\n')
      } else {
        const { removed } = await imagePrune({ all: Boolean(argv.all) })
        process.stdout.write(removed.length ? `removed:\n${removed.map((r) => `  ${r}`).join('\n')}\n` : 'nothing to remove\n')
      }
      setExit(ExitCode.valid)
    },
  }
  const reportCmd: Handler = {
    command: 'report <path>',
    describe: 'rebuild report.html for a stored run (e.g. store/latest) and print its path',
    builder: (y) => y.positional('path', { type: 'string', demandOption: true }),
    handler: async (argv) => {
      const { openRunDir } = await import('../../core/store.js')
      const { writeReport } = await import('../../run/report-writer.js')
      const path = await writeReport(openRunDir(argv.path as string).path)
      process.stdout.write(`${path}\n`)
      setExit(ExitCode.valid)
    },
  }
  return [doctorCmd, cleanupCmd, imageCmd, reportCmd]
}
