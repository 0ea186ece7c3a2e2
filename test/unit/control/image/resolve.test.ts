/**
 * resolveLayer on real files in a temporary folder, and on the node binary
 * running this test (a dynamic ELF program with libraries).
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LayerEntry } from '../../../../control/image/entries.js'
import type { ImageLayer } from '../../../../control/image/layer.js'
import { resolveLayer } from '../../../../control/image/resolve.js'
import { DstestError } from '../../../../core/errors.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dstest-resolve-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const shape = (entries: readonly LayerEntry[]): string[] =>
  entries.map((e) => (e.type === 'symlink' ? `${e.path} -> ${e.linkname}` : e.type === 'dir' ? `${e.path}/` : `${e.path} (${e.mode.toString(8)})`))

async function refusal(layer: ImageLayer): Promise<{ line: string; exit: number }> {
  try {
    await resolveLayer(layer)
  } catch (e) {
    if (e instanceof DstestError) return { line: e.toLine(), exit: e.exitCode }
    throw e
  }
  throw new Error('the layer was accepted')
}

describe('resolveLayer: files and folders', () => {
  it('keeps links inside a folder as relative links and copies what links outside point to', async () => {
    const root = join(dir, 'tree')
    await mkdir(join(root, 'app', 'v2'), { recursive: true })
    await writeFile(join(root, 'app', 'v2', 'server.js'), 'x')
    await chmod(join(root, 'app', 'v2', 'server.js'), 0o640)
    await symlink('v2', join(root, 'app', 'current'))
    // Absolute, but inside the folder: becomes relative.
    await symlink(join(root, 'app', 'v2', 'server.js'), join(root, 'app', 'main.js'))
    await mkdir(join(root, 'common'))
    await writeFile(join(root, 'common', 'lib.js'), 'lib')
    await symlink('../common/lib.js', join(root, 'app', 'lib.js'))
    await symlink('../common', join(root, 'app', 'vendor'))
    const { entries, packages } = await resolveLayer({ name: 'kv', files: [{ from: join(root, 'app'), to: '/opt/kv' }] })
    expect(packages).toEqual([])
    expect(shape(entries)).toEqual([
      '/opt/kv/',
      '/opt/kv/current -> v2',
      '/opt/kv/lib.js (644)',
      '/opt/kv/main.js -> v2/server.js',
      '/opt/kv/v2/',
      '/opt/kv/v2/server.js (640)',
      '/opt/kv/vendor/',
      '/opt/kv/vendor/lib.js (644)',
    ])
    expect(entries.find((e) => e.path === '/opt/kv/lib.js')).toMatchObject({ from: join(root, 'common', 'lib.js'), size: 3 })
  })

  it('follows a symlink given as `from`, and applies a mode to a single file', async () => {
    await writeFile(join(dir, 'real.conf'), 'port = 1\n')
    await symlink('real.conf', join(dir, 'link.conf'))
    const { entries } = await resolveLayer({ name: 'kv', files: [{ from: join(dir, 'link.conf'), to: '/etc/kv.conf', mode: 0o600 }] })
    expect(entries).toEqual([{ path: '/etc/kv.conf', type: 'file', mode: 0o600, from: join(dir, 'real.conf'), size: 9 }])
  })

  it('generated files default to 0644; a later file at the same path replaces an earlier one', async () => {
    const { entries } = await resolveLayer({
      name: 'kv',
      files: [
        { to: '/etc/kv.conf', content: 'a' },
        { to: '/opt/kv/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
        { to: '/etc/kv.conf', content: new Uint8Array([98]) },
      ],
    })
    expect(entries).toEqual([
      { path: '/etc/kv.conf', type: 'file', mode: 0o644, content: Buffer.from('b') },
      { path: '/opt/kv/run.sh', type: 'file', mode: 0o755, content: Buffer.from('#!/bin/sh\n') },
    ])
  })

  it('refuses, naming the path: a missing file, a dangling link (given or inside a folder), a link loop, a mode on a folder', async () => {
    expect(await refusal({ name: 'kv', files: [{ from: join(dir, 'nope.js'), to: '/opt/x' }] })).toEqual({
      line: `image layer 'kv': files[0]: ${join(dir, 'nope.js')} does not exist: check the path (a relative path is taken from the working directory)`,
      exit: 3,
    })
    await symlink('gone.txt', join(dir, 'dangling'))
    expect((await refusal({ name: 'kv', files: [{ from: join(dir, 'dangling'), to: '/x' }] })).line).toMatch(
      `files[0]: ${join(dir, 'dangling')} is a symlink to gone.txt, which does not exist`,
    )
    await mkdir(join(dir, 'broken'))
    await symlink('../missing', join(dir, 'broken', 'ln'))
    expect((await refusal({ name: 'kv', files: [{ to: '/a', content: '' }, { from: join(dir, 'broken'), to: '/b' }] })).line).toMatch(
      `files[1]: ${join(dir, 'broken', 'ln')} is a symlink to ../missing, which does not exist`,
    )
    await mkdir(join(dir, 'outer', 'inner'), { recursive: true })
    await mkdir(join(dir, 'loopy'))
    await symlink(join(dir, 'loopy'), join(dir, 'loopy', 'self'))
    await symlink(join(dir, 'loopy'), join(dir, 'outer', 'inner', 'up'))
    expect((await refusal({ name: 'kv', files: [{ from: join(dir, 'outer'), to: '/o' }] })).line).toMatch(/links back to .*loopy, a folder it is inside of/)
    expect((await refusal({ name: 'kv', files: [{ from: join(dir, 'outer'), to: '/o', mode: 0o755 }] })).line).toMatch(/mode applies to a single file/)
  })

  it('refuses a folder and a file at the same path', async () => {
    await mkdir(join(dir, 'd'), { recursive: true })
    expect((await refusal({ name: 'kv', files: [{ from: join(dir, 'd'), to: '/opt/d' }, { to: '/opt/d', content: 'x' }] })).line).toMatch(
      /files\[1\]: \/opt\/d would be both a folder and a file/,
    )
  })
})

describe('resolveLayer: host programs', () => {
  const node = process.execPath

  it('brings the program and every library ldd lists (with the loader), each link next to its real file', async () => {
    const { entries } = await resolveLayer({ name: 'kv', files: [{ binary: node, to: '/opt/kv/node' }] })
    const paths = entries.map((e) => e.path)
    expect(entries[paths.indexOf('/opt/kv/node')]).toMatchObject({ type: 'file', from: node })
    expect(paths.some((p) => /\/libc\.so\.6$/.test(p))).toBe(true)
    expect(paths).toContain('/usr/lib64/ld-linux-x86-64.so.2')
    // Merged /usr: nothing lands under /lib, whose entry would replace the image's link.
    expect(paths.filter((p) => /^\/(lib|lib64|bin|sbin)\//.test(p))).toEqual([])
    // Every relative link points at an entry of the layer.
    for (const e of entries) {
      if (e.type !== 'symlink' || e.linkname.startsWith('/')) continue
      expect(paths, `${e.path} -> ${e.linkname}`).toContain(join(e.path, '..', e.linkname))
    }
  })

  it('keeps the name a program was linked by next to the real file', async () => {
    await copyFile(node, join(dir, 'multi'))
    await symlink('multi', join(dir, 'alias'))
    const { entries } = await resolveLayer({ name: 'kv', files: [{ binary: join(dir, 'alias'), to: '/opt/kv/alias' }] })
    expect(shape(entries.filter((e) => e.path.startsWith('/opt/')))).toEqual(['/opt/kv/alias -> multi', `/opt/kv/multi (755)`])
  })

  it('looks a bare name up on PATH', async () => {
    const { entries } = await resolveLayer({ name: 'kv', files: [{ binary: basename(node), to: '/opt/n' }] })
    expect(entries.some((e) => e.path === '/opt/n')).toBe(true)
  })

  it('refuses a script, a file without an execute bit, a missing program and a name not on PATH', async () => {
    await writeFile(join(dir, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 })
    expect(await refusal({ name: 'kv', files: [{ binary: join(dir, 'run.sh') }] })).toEqual({
      line: `image layer 'kv': files[0]: ${join(dir, 'run.sh')} is not an executable program (an ELF file with an execute bit): add scripts and other files with { from, to, mode: 0o755 }`,
      exit: 3,
    })
    await copyFile(node, join(dir, 'not-exec'))
    await chmod(join(dir, 'not-exec'), 0o644)
    expect((await refusal({ name: 'kv', files: [{ binary: join(dir, 'not-exec') }] })).line).toMatch(/not-exec is not an executable program/)
    expect((await refusal({ name: 'kv', files: [{ binary: join(dir, 'no-such-binary') }] })).line).toMatch(/no-such-binary does not exist/)
    expect((await refusal({ name: 'kv', files: [{ binary: 'dstest-no-such-command' }] })).line).toMatch(/dstest-no-such-command is not on PATH: give the program's absolute path/)
  })
})
