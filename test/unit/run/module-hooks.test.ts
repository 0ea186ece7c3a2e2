/**
 * The module hooks' own logic: which files a TypeScript import may mean, and
 * the transpile step (types dropped, syntax errors located) and its cache. That Node runs
 * them for a user's module is tested with the built CLI (test/e2e/user-modules.test.ts).
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isTypeScript, transpile, transpileCached, typeScriptAlternatives } from '../../../run/module-hooks.js'

describe('module hooks', () => {
  it('an import written for compiled output finds the .ts file; an extensionless one tries .ts and index.ts', () => {
    expect(typeScriptAlternatives('./client.js')).toEqual(['./client.ts'])
    expect(typeScriptAlternatives('../lib/util.mjs')).toEqual(['../lib/util.mts'])
    expect(typeScriptAlternatives('./client')).toEqual(['./client.ts', './client/index.ts'])
    expect(typeScriptAlternatives('./data.json')).toEqual([])
    expect(typeScriptAlternatives('./client.ts')).toEqual([])
  })

  it('knows TypeScript files by their extension', () => {
    expect(['file:///a/target.ts', 'file:///a/w.mts', 'file:///a/x.js', 'file:///a/x.d.ts.js'].map(isTypeScript)).toEqual([true, true, false, false])
  })

  it('transpiles to an ES module: types and type-only imports gone, values kept, a source map inline', async () => {
    const out = await transpile(
      [
        "import { defineTarget, type Client } from 'dstest'",
        "import type { Cluster } from 'dstest'",
        'enum Mode { Fast = 1 }',
        'class C { constructor(private readonly n: number) {} get(): number { return this.n } }',
        'export default defineTarget({ name: `m${Mode.Fast}` } as unknown as Client)',
        'export const c: Cluster | undefined = undefined; export const k = new C(2)',
      ].join('\n'),
      '/x/target.ts',
    )
    expect(out).toContain("import { defineTarget } from 'dstest'")
    expect(out).not.toMatch(/Cluster|type Client|: number/)
    expect(out).toMatch(/Mode\[Mode\["Fast"\] = 1\]/)
    expect(out).toContain('this.n = n')
    expect(out).toMatch(/\/\/# sourceMappingURL=data:application\/json;base64,/)
  })

  it('a syntax error names the file, line and column', async () => {
    await expect(transpile("const a = 1\nexport default defineTarget({ name: 'x',, })\n", '/x/broken.ts')).rejects.toThrow(/^\/x\/broken\.ts:2:41: Property assignment expected\.$/)
  })
})

describe('the transpile cache', () => {
  it('keeps each output under a hash of its inputs, reads it back instead of transpiling, and works without a writable cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstest-ts-cache-test-'))
    const source = 'export const n: number = 1\n'
    const out = await transpileCached(source, '/x/a.ts', dir)
    expect(out).toContain('export const n = 1')
    const entries = readdirSync(dir)
    expect(entries).toHaveLength(1)
    // What is in the cache is what a load gets.
    writeFileSync(join(dir, entries[0]!), 'export const n = "from the cache"\n')
    expect(await transpileCached(source, '/x/a.ts', dir)).toBe('export const n = "from the cache"\n')
    // Another source, or the same source at another path, is another entry.
    await transpileCached('export const n: number = 2\n', '/x/a.ts', dir)
    await transpileCached(source, '/y/a.ts', dir)
    expect(readdirSync(dir)).toHaveLength(3)
    const file = join(dir, entries[0]!)
    expect(await transpileCached(source, '/z/a.ts', join(file, 'not-a-folder'))).toContain('export const n = 1')
  })
})
