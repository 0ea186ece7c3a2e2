/**
 * docs/writing-a-target.md: every TypeScript block compiles against dstest's
 * API (the project's files together, each other block as a module of its
 * own), the JavaScript block is valid, the JSON blocks parse, and the project
 * it lists is the one `dstest init` writes, file for file. (The project runs
 * against Docker in test/e2e/guide.docker.test.ts.)
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { packageJson, templateDir } from '../../../cli/commands/init.js'
import { guideBlocks, guideCommands, guideProject } from './guide-blocks.js'

const ROOT = resolve(import.meta.dirname, '../../..')

describe('docs/writing-a-target.md', () => {
  const blocks = guideBlocks()

  it('lists the whole project in full: the files `dstest init` writes, byte for byte', () => {
    const project = guideProject(blocks)
    expect([...project.keys()].sort()).toEqual(['client.ts', 'package.json', 'server.mjs', 'target.ts', 'tsconfig.json', 'workload.ts'])
    for (const [name, code] of project) {
      if (name === 'package.json') {
        const spec = (JSON.parse(code) as { dependencies: { dstest: string } }).dependencies.dstest
        expect(code).toBe(packageJson('my-test', spec))
      } else {
        expect(code, name).toBe(readFileSync(join(templateDir(), name), 'utf8'))
      }
    }
  })

  it('every TypeScript block compiles against the package root, under strict settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstest-guide-ts-'))
    // The guide's package.json makes its folder an ES module package, as in a reader's project.
    writeFileSync(join(dir, 'package.json'), guideProject(blocks).get('package.json')!)
    const files: string[] = []
    for (const [i, b] of blocks.entries()) {
      if (b.lang !== 'ts') continue
      // Project files keep their names (they import each other); other blocks are modules of their own.
      const name = b.file ?? `block-${i}-line-${b.line}.ts`
      writeFileSync(join(dir, name), b.code)
      files.push(join(dir, name))
    }
    expect(files.length).toBeGreaterThanOrEqual(7)
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts'],
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
      paths: { dstest: [join(ROOT, 'index.ts')] },
    })
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || files.includes(d.file.fileName))
      .map((d) => `${d.file?.fileName.replace(dir, 'guide') ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`)
    expect(problems).toEqual([])
  }, 180_000)

  it('the JavaScript block is valid, the JSON blocks parse, and the commands name dstest commands', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstest-guide-js-'))
    const js = blocks.filter((b) => b.lang === 'js')
    expect(js.map((b) => b.file)).toEqual(['server.mjs'])
    for (const b of js) {
      writeFileSync(join(dir, b.file!), b.code)
      execFileSync(process.execPath, ['--check', join(dir, b.file!)])
    }
    for (const b of blocks.filter((x) => x.lang === 'json')) expect(() => JSON.parse(b.code), `line ${b.line}`).not.toThrow()
    const commands = guideCommands(blocks)
    expect(commands.length).toBeGreaterThanOrEqual(7)
    for (const argv of commands) expect(['init', 'run', 'check', 'list']).toContain(argv[0])
  })
})
