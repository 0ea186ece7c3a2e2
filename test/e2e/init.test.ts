/**
 * `dstest init` with the built CLI, and the project it writes as a user gets
 * it: the files, a dependency on this dstest, a refusal to overwrite, types
 * that check against the built package, and a target dstest can load. The
 * guide's commands pass pre-flight on the project built from its text.
 * (Running them against Docker: init.docker.test.ts, guide.docker.test.ts.)
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { guideCommands, guideProject } from '../unit/docs/guide-blocks.js'
import { dstest, requireBuild, ROOT, tempDir } from './helpers.js'
import { linkDstest, projectFrom } from './project.js'

beforeAll(() => requireBuild())

describe('dstest init', () => {
  it('writes a project that depends on this dstest, and will not write into a folder that is not empty', () => {
    const dir = join(tempDir(), 'My Test')
    const r = dstest(['init', dir])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`into ${dir} (dstest: file:${ROOT})`)
    expect(r.stdout).toContain('npx dstest run --target ./target.ts')
    expect(readdirSync(dir).sort()).toEqual(['.gitignore', 'README.md', 'client.ts', 'package.json', 'server.mjs', 'target.ts', 'tsconfig.json', 'workload.ts'])
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; type: string; dependencies: Record<string, string> }
    expect(pkg).toMatchObject({ name: 'my-test', type: 'module', dependencies: { dstest: `file:${ROOT}` } })

    const again = dstest(['init', dir])
    expect(again.code).toBe(3)
    expect(again.stderr).toBe(`dstest: ${dir} is not empty (.gitignore, README.md, client.ts, ...): name a new or empty folder: init never overwrites files\n`)
    expect(dstest(['init', join(dir, 'package.json')]).stderr).toMatch(/package\.json is a file: name a new or empty folder/)
    expect(dstest(['init', join(tempDir(), 'x'), '--dstest', '^0.1.0']).code).toBe(0)
  })

  it('its code type-checks against the built package, as in a user project after npm install', () => {
    const dir = join(tempDir(), 'typed')
    expect(dstest(['init', dir]).code).toBe(0)
    linkDstest(dir)
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8', timeout: 120_000 })
    expect(tsc.stdout + tsc.stderr).toBe('')
    expect(tsc.status).toBe(0)
  }, 150_000)

  it('dstest loads its target: its bug, its workloads (its own tiny-set first) and clock faults through libfaketime', () => {
    const dir = join(tempDir(), 'listed')
    expect(dstest(['init', dir]).code).toBe(0)
    const r = dstest(['list', 'targets', '--target', './target.ts'], { cwd: dir })
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/tiny-kv\s+a key-value server whose nodes forward every request to the first node/)
    expect(r.stdout).toMatch(/--bug stale-reads: a forwarding node answers reads of keys it has seen from its own memory/)
    expect(r.stdout).toMatch(/workloads: tiny-set \(default\), register; operations: read, write, cas, add\n\s+clock faults: through libfaketime/)
  })
})

describe('docs/writing-a-target.md commands', () => {
  it('every `npx dstest` command of the guide passes pre-flight on the project built from its text', () => {
    const project = projectFrom(guideProject())
    const commands = guideCommands()
    for (const argv of commands) {
      const [command, ...rest] = argv
      if (command === 'init') {
        // `init ../my-test`, from a checkout's folder: a sibling folder.
        const cwd = join(tempDir(), 'checkout')
        spawnSync('mkdir', [cwd])
        const r = dstest(argv, { cwd })
        expect(r.code, argv.join(' ')).toBe(0)
        expect(readdirSync(join(cwd, '..', 'my-test'))).toContain('target.ts')
      } else if (command === 'run') {
        const r = dstest([...argv, '--dry-run', '--seed', '1'], { cwd: project })
        expect(r.stderr, argv.join(' ')).toBe('')
        expect(r.code, argv.join(' ')).toBe(0)
      } else if (command === 'list') {
        expect(dstest(argv, { cwd: project }).code, argv.join(' ')).toBe(0)
      } else {
        // `check store/latest` needs a run: guide.docker.test.ts checks one.
        expect(command).toBe('check')
        expect(rest).toEqual(['store/latest'])
      }
    }
    expect(commands.filter((c) => c[0] === 'run').length).toBeGreaterThanOrEqual(5)
  }, 120_000)
})
