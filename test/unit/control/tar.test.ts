import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { localEntries, packTar, tarSize, tarStream, unpackTar } from '../../../control/docker/tar.js'

const dir = mkdtempSync(join(tmpdir(), 'dstest-tar-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const longPath = `${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(90)}.txt` // fits prefix+name
const veryLong = `${'d'.repeat(120)}/${'e'.repeat(130)}.txt` // needs a pax record

describe('ustar writer and reader', () => {
  it('round-trips files, folders, symlinks, modes and long names', () => {
    const archive = packTar([
      { path: 'dir', type: 'dir', mode: 0o750 },
      { path: 'dir/hello.txt', type: 'file', content: Buffer.from('hello\n'), mode: 0o600 },
      { path: 'dir/empty', type: 'file' },
      { path: 'link', type: 'symlink', linkname: 'dir/hello.txt' },
      { path: longPath, type: 'file', content: Buffer.from('long') },
      { path: veryLong, type: 'file', content: Buffer.alloc(1000, 7) },
    ])
    expect(archive.length % 512).toBe(0)
    const back = unpackTar(archive)
    expect(back.map((e) => [e.path, e.type])).toEqual([
      ['dir', 'dir'],
      ['dir/hello.txt', 'file'],
      ['dir/empty', 'file'],
      ['link', 'symlink'],
      [longPath, 'file'],
      [veryLong, 'file'],
    ])
    expect(back[0]!.mode).toBe(0o750)
    expect(back[1]!.mode).toBe(0o600)
    expect(back[1]!.content.toString()).toBe('hello\n')
    expect(back[3]!.linkname).toBe('dir/hello.txt')
    expect(back[5]!.content).toEqual(Buffer.alloc(1000, 7))
  })

  it('what it writes, GNU tar reads (and the other way round)', () => {
    const archive = packTar([
      { path: 'x', type: 'dir' },
      { path: 'x/f.txt', type: 'file', content: Buffer.from('from dstest') },
      { path: `x/${veryLong}`, type: 'file', content: Buffer.from('deep') },
    ])
    writeFileSync(join(dir, 'ours.tar'), archive)
    const out = join(dir, 'out')
    mkdirSync(out)
    execFileSync('tar', ['-xf', join(dir, 'ours.tar'), '-C', out])
    expect(readFileSync(join(out, 'x', 'f.txt'), 'utf8')).toBe('from dstest')
    expect(readFileSync(join(out, 'x', veryLong), 'utf8')).toBe('deep')
    for (const format of ['posix', 'gnu']) {
      const theirs = execFileSync('tar', ['-c', `--format=${format}`, '-C', out, 'x'])
      const entries = unpackTar(theirs)
      expect(entries.find((e) => e.path === `x/${veryLong}`)?.content.toString()).toBe('deep')
    }
  })

  it('a corrupted header is an error, not garbage', () => {
    const archive = packTar([{ path: 'f', type: 'file', content: Buffer.from('x') }])
    archive[10] = 0x41
    expect(() => unpackTar(archive)).toThrow(/checksum/)
  })

  it('streams local files and folders (symlinks kept as links)', async () => {
    const src = join(dir, 'src')
    mkdirSync(join(src, 'sub'), { recursive: true })
    writeFileSync(join(src, 'sub', 'a.txt'), 'A')
    symlinkSync('sub/a.txt', join(src, 'ln'))
    const chunks: Buffer[] = []
    for await (const c of tarStream(await localEntries(src, 'root/src'))) chunks.push(c)
    const entries = unpackTar(Buffer.concat(chunks))
    expect(entries.map((e) => `${e.type}:${e.path}`)).toEqual(['dir:root/src', 'symlink:root/src/ln', 'dir:root/src/sub', 'file:root/src/sub/a.txt'])
    expect(entries[3]!.content.toString()).toBe('A')
  })
})

describe('archive sizes and streamed sources', () => {
  it('tarSize is the exact length of the stream, long names included', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`
    const inner = [
      { path: 'a.txt', type: 'file' as const, content: Buffer.from('hello') },
      { path: long, type: 'file' as const, content: Buffer.alloc(700, 1) },
      { path: 'ln', type: 'symlink' as const, linkname: 'x'.repeat(150) },
      { path: 'dir', type: 'dir' as const },
    ]
    const chunks: Buffer[] = []
    for await (const c of tarStream(inner)) chunks.push(c)
    expect(tarSize(inner)).toBe(Buffer.concat(chunks).length)
    // An archive inside an archive, streamed, reads back whole.
    const outer = [{ path: 'layer.tar', type: 'file' as const, mode: 0o644, size: tarSize(inner), stream: () => tarStream(inner) }]
    const out: Buffer[] = []
    for await (const c of tarStream(outer)) out.push(c)
    const [entry] = unpackTar(Buffer.concat(out))
    expect(unpackTar(entry!.content).map((e) => e.path)).toEqual(['a.txt', long, 'ln', 'dir'])
  })

  it('a streamed source that yields a different size than declared is an error', async () => {
    const source = { path: 'x', type: 'file' as const, mode: 0o644, size: 3, stream: async function* () { yield Buffer.from('four') } }
    await expect(async () => {
      for await (const _ of tarStream([source])) void _
    }).rejects.toThrow(/x grew while it was being archived/)
  })
})
