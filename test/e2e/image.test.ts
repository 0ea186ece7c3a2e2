/** `dstest image build` with a user's target module, as a user runs it: a bad layer is refused before anything is built. */
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dstest, requireBuild, ROOT, tempDir } from './helpers.js'

let dir: string
beforeAll(() => {
  requireBuild()
  dir = tempDir()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A target module whose (async) imageLayer() returns `files`. */
function targetWith(name: string, files: string): string {
  const path = join(dir, `${name}.mjs`)
  writeFileSync(
    path,
    `import { defineTarget } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)}
export default defineTarget({
  name: ${JSON.stringify(name)}, description: 'a layer for the image command', workloads: ['register'], operations: ['read'],
  async setup() {}, async teardown() {}, client() { throw new Error('not used') },
  imageLayer: async () => ({ name: ${JSON.stringify(name)}, files: ${files} }),
})
`,
  )
  return path
}

describe('dstest image build --target <module>', () => {
  it('a relative `to` is bad input: exit 3, one line naming the file', () => {
    const r = dstest(['image', 'build', '--target', targetWith('relative-to', "[{ to: 'etc/x.conf', content: 'x' }]")])
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`image layer 'relative-to': files[0]: 'to' must be an absolute path in the node, got "etc/x.conf"`)
  })

  it('a missing file and a binary that is not a program name the path', () => {
    const missing = dstest(['image', 'build', '--target', targetWith('missing', `[{ from: ${JSON.stringify(join(dir, 'nope'))}, to: '/x' }]`)])
    expect([missing.code, missing.stderr.trim().split('\n').length]).toEqual([3, 1])
    expect(missing.stderr).toContain(`files[0]: ${join(dir, 'nope')} does not exist`)
    const script = join(dir, 'run.sh')
    writeFileSync(script, '#!/bin/sh\n', { mode: 0o755 })
    const notElf = dstest(['image', 'build', '--target', targetWith('not-elf', `[{ binary: ${JSON.stringify(script)} }]`)])
    expect(notElf.code).toBe(3)
    expect(notElf.stderr).toContain(`files[0]: ${script} is not an executable program`)
  })
})
