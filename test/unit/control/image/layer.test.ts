import { describe, expect, it } from 'vitest'
import { checkLayer, isCopiedFile, isGeneratedFile, isHostBinary, type ImageLayer } from '../../../../control/image/layer.js'
import { DstestError } from '../../../../core/errors.js'

/** The one-line error and exit code a bad layer is refused with. */
function refusal(layer: unknown): { line: string; exit: number } {
  try {
    checkLayer(layer as ImageLayer)
  } catch (e) {
    if (e instanceof DstestError) return { line: e.toLine(), exit: e.exitCode }
    throw e
  }
  throw new Error('the layer was accepted')
}

describe('checkLayer', () => {
  it('accepts every kind of file, packages with and without a version, and no files at all', () => {
    expect(() =>
      checkLayer({
        name: 'my-kv',
        packages: ['zookeeper', 'postgresql-15', 'libstdc++6', 'redis-server=5:7.0.15-1~deb12u1'],
        files: [
          { from: '/tmp/x', to: '/opt/x', mode: 0o755 },
          { from: new URL('file:///tmp/y'), to: '/opt/y' },
          { binary: 'etcd' },
          { binary: '/usr/bin/etcd', to: '/opt/etcd' },
          { to: '/etc/x.conf', content: 'a = 1\n' },
          { to: '/etc/x.bin', content: new Uint8Array([1, 2]) },
        ],
      }),
    ).not.toThrow()
    expect(() => checkLayer({ name: 'only-packages', packages: ['netcat-openbsd'] })).not.toThrow()
  })

  it('refuses a relative `to` with exit 3, naming the file', () => {
    expect(refusal({ name: 'kv', files: [{ from: '/tmp/x', to: 'opt/x' }] })).toEqual({
      line: `image layer 'kv': files[0]: 'to' must be an absolute path in the node, got "opt/x": give every \`to\` as an absolute path, e.g. /opt/my-app/server`,
      exit: 3,
    })
    expect(refusal({ name: 'kv', files: [{ binary: '/usr/bin/x', to: 'x' }] }).line).toMatch(/files\[0\]: 'to' must be an absolute path/)
  })

  it('refuses bad names, reserved names and bad package names', () => {
    expect(refusal({ name: 'My KV' }).line).toMatch(/^image layer 'My KV': bad name: use lowercase letters/)
    expect(refusal({ name: 'base' }).line).toMatch(/not base or packages/)
    expect(refusal({ name: 'packages' }).exit).toBe(3)
    expect(refusal({ name: 'kv', packages: ['zookeeper; rm -rf /'] }).line).toMatch(/"zookeeper; rm -rf \/" is not a Debian package name/)
    expect(refusal({ name: 'kv', packages: ['-o=Dpkg::Foo'] }).exit).toBe(3)
  })

  it('refuses a file with no kind or two kinds, bad modes and non-file URLs', () => {
    expect(refusal({ name: 'kv', files: [{ to: '/x' }] }).line).toMatch(/files\[0\] must have exactly one of 'from', 'binary' or 'content'/)
    expect(refusal({ name: 'kv', files: [{ from: '/a', to: '/x', content: 'c' }] }).line).toMatch(/exactly one of/)
    expect(refusal({ name: 'kv', files: [{ to: '/x', content: 'c', mode: 755.5 }] }).line).toMatch(/mode must be permission bits/)
    expect(refusal({ name: 'kv', files: [{ to: '/x', content: 'c', mode: 0o10000 }] }).line).toMatch(/mode must be permission bits/)
    expect(refusal({ name: 'kv', files: [{ from: new URL('https://example.org/x'), to: '/x' }] }).line).toMatch(/'from' is a https: URL/)
    expect(refusal({ name: 'kv', files: [{ to: '/x', content: 42 }] }).line).toMatch(/content must be a string or bytes/)
  })

  it('tells the kinds apart', () => {
    const files = [{ from: '/a', to: '/b' }, { binary: 'x' }, { to: '/c', content: '' }] as const
    expect(files.map((f) => [isCopiedFile(f), isHostBinary(f), isGeneratedFile(f)])).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, true],
    ])
  })
})
