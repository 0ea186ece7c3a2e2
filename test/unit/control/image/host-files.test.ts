import { describe, expect, it } from 'vitest'
import { parseLdd, usrPath } from '../../../../control/image/host-files.js'

describe('parseLdd', () => {
  it('reads one program: libraries by path, the loader, and no vDSO', () => {
    const out = [
      '\tlinux-vdso.so.1 (0x00007ffd5b9f2000)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f29fea00000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f29fe73e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f29fecf4000)',
      '',
    ].join('\n')
    expect(parseLdd(out, ['/usr/bin/node'])).toEqual({
      libraries: ['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib64/ld-linux-x86-64.so.2'],
      notFound: [],
    })
  })

  it('reads several programs, a static one among them, and names what is not found and for which program', () => {
    const out = [
      '/usr/bin/a:',
      '\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x1)',
      '\tlibgone.so.1 => not found',
      '/opt/static-go-binary:',
      '\tnot a dynamic executable',
      '/usr/bin/b:',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x2)',
      '\tlibother.so.2 => not found',
    ].join('\n')
    expect(parseLdd(out, ['/usr/bin/a', '/opt/static-go-binary', '/usr/bin/b'])).toEqual({
      libraries: ['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libssl.so.3'],
      notFound: [
        { binary: '/usr/bin/a', soname: 'libgone.so.1' },
        { binary: '/usr/bin/b', soname: 'libother.so.2' },
      ],
    })
  })

  it('a static program alone lists nothing', () => {
    expect(parseLdd('\tstatically linked\n', ['/usr/local/bin/etcd'])).toEqual({ libraries: [], notFound: [] })
  })
})

describe('usrPath', () => {
  it('places the merged-/usr top folders under /usr and leaves the rest', () => {
    expect(['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2', '/bin/sh', '/sbin/ip', '/lib', '/library/x', '/usr/lib/a', '/opt/bin/x'].map(usrPath)).toEqual([
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
      '/usr/lib64/ld-linux-x86-64.so.2',
      '/usr/bin/sh',
      '/usr/sbin/ip',
      '/usr/lib',
      '/library/x',
      '/usr/lib/a',
      '/opt/bin/x',
    ])
  })
})
