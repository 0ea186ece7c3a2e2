/**
 * `dstest init [dir]`: a new project with a working target and workload
 * (templates/init/: a small key-value server in plain Node, its target, client
 * and set workload), plus a package.json that depends on dstest, so
 * `dstest run --target ./target.ts` works in it as it is. Refuses a folder
 * that is not empty: it never overwrites anything.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Argv, CommandModule } from 'yargs'
import { UsageError } from '../../core/errors.js'
import { VERSION } from '../../run/version.js'

interface InitArgs {
  dir?: string
  dstest?: string
}

/** This dstest's package folder, from the build (dist/cli/commands/) or from source (cli/commands/). */
function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  return here.split(sep).includes('dist') ? join(here, '..', '..', '..') : join(here, '..', '..')
}

export function templateDir(): string {
  return join(packageRoot(), 'templates', 'init')
}

/**
 * The dependency on the dstest that is running: its version range when it
 * was installed as a package, else (a checkout) its folder. (The name
 * "dstest" on the public registry is another, unrelated package.)
 */
export function defaultDstestSpec(): string {
  const root = resolve(packageRoot())
  return root.split(sep).includes('node_modules') ? `^${VERSION}` : `file:${root}`
}

/** The project's package.json: dstest as a dependency; TypeScript and Node's types to check the code. */
export function packageJson(name: string, dstestSpec: string): string {
  const pkg = {
    name,
    private: true,
    type: 'module',
    scripts: {
      test: 'dstest run --target ./target.ts',
      typecheck: 'tsc',
    },
    dependencies: { dstest: dstestSpec },
    devDependencies: { '@types/node': '20.19.43', typescript: '5.9.3' },
  }
  return JSON.stringify(pkg, null, 2) + '\n'
}

/** A package name from a folder name: lowercase letters, digits, '-', '.', '_'. */
export function projectName(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '')
  return name || 'dstest-project'
}

/** Writes the project into `dir` (created if missing); returns the files written. */
export function scaffold(dir: string, dstestSpec: string): string[] {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} is a file`, 'name a new or empty folder')
    const present = readdirSync(dir)
    if (present.length > 0) {
      throw new UsageError(`${dir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', ...' : ''})`, 'name a new or empty folder: init never overwrites files')
    }
  }
  mkdirSync(dir, { recursive: true })
  const template = templateDir()
  cpSync(template, dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), packageJson(projectName(dir), dstestSpec))
  // Not in the template folder: npm leaves .gitignore files out of packages.
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\nstore/\n')
  return [...readdirSync(template), 'package.json', '.gitignore'].sort()
}

export function initCommand(setExit: (code: number) => void): CommandModule<object, InitArgs> {
  return {
    command: 'init [dir]',
    describe: 'start a project of your own: a working target, client and workload to change (dir: new or empty, default .)',
    builder: (y) =>
      y
        .positional('dir', { type: 'string', describe: 'the folder to create the project in', default: '.' })
        .option('dstest', {
          type: 'string',
          describe: "what package.json's dstest dependency says",
          defaultDescription: 'this dstest: its version if installed from a registry, else file:<its folder>',
        }) as unknown as Argv<InitArgs>,
    handler: (argv) => {
      const dir = argv.dir ?? '.'
      const spec = argv.dstest ?? defaultDstestSpec()
      const files = scaffold(dir, spec)
      const rel = relative(process.cwd(), resolve(dir))
      const cd = rel === '' ? undefined : rel.startsWith('..') ? resolve(dir) : rel
      process.stdout.write(
        [
          `wrote ${files.join(', ')} into ${resolve(dir)} (dstest: ${spec})`,
          '',
          'next:',
          ...(cd !== undefined ? [`  cd ${cd}`] : []),
          '  npm install',
          '  npx dstest run --target ./target.ts                     # valid (exit 0); needs a Docker engine',
          '  npx dstest run --target ./target.ts --bug stale-reads   # a caught bug (exit 1)',
          '',
          'README.md says what each file is; docs/writing-a-target.md in dstest is the guide.',
          '',
        ].join('\n'),
      )
      setExit(0)
    },
  }
}
