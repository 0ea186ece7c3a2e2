import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveInStore, storeRoot } from '../../../../report/serve/safe-path.js'

const outside = mkdtempSync(join(tmpdir(), 'dstest-outside-'))
writeFileSync(join(outside, 'secret.txt'), 'not yours')
const store = mkdtempSync(join(tmpdir(), 'dstest-store-'))
mkdirSync(join(store, 't', 'r1', 'nodes', 'n1'), { recursive: true })
writeFileSync(join(store, 't', 'r1', 'report.html'), '<p>hi')
writeFileSync(join(store, 't', 'r1', 'nodes', 'n1', 'a b%.log'), 'log')
symlinkSync('r1', join(store, 't', 'latest'))
symlinkSync(outside, join(store, 't', 'escape'))
symlinkSync(join(outside, 'secret.txt'), join(store, 't', 'r1', 'secret.txt'))
const root = storeRoot(store)
afterAll(() => [outside, store, `${realpathSync(store)}-x`].forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('resolveInStore', () => {
  it('maps paths to files of the store, decoding each segment, and follows links that stay inside', () => {
    expect(resolveInStore(root, '/t/r1/report.html')).toEqual({ path: join(root, 't', 'r1', 'report.html') })
    expect(resolveInStore(root, '/t/r1/nodes/n1/a%20b%25.log')).toEqual({ path: join(root, 't', 'r1', 'nodes', 'n1', 'a b%.log') })
    expect(resolveInStore(root, '/t/latest/report.html')).toEqual({ path: join(root, 't', 'r1', 'report.html') })
    expect(resolveInStore(root, '/')).toEqual({ path: root })
  })

  it('refuses .. and . segments, plain or percent-encoded', () => {
    for (const p of ['/../etc/passwd', '/t/../../etc/passwd', '/%2e%2e/etc/passwd', '/t/%2E%2e/%2e%2E/etc/passwd', '/t/./r1/report.html', '/%2e/t']) {
      expect(resolveInStore(root, p), p).toHaveProperty('refused')
    }
  })

  it('refuses encoded slashes and backslashes, NUL bytes and malformed escapes', () => {
    for (const p of ['/t%2f..%2f..%2fetc/passwd', '/t/r1%5c..%5c..%5csecret', '/t/r1/report.html%00.txt', '/t/%zz', '/t/%']) {
      expect(resolveInStore(root, p), p).toHaveProperty('refused')
    }
  })

  it('refuses links that lead out of the store, to a folder or to a file', () => {
    expect(resolveInStore(root, '/t/escape/secret.txt')).toEqual({ refused: 'outside the store' })
    expect(resolveInStore(root, '/t/escape')).toEqual({ refused: 'outside the store' })
    expect(resolveInStore(root, '/t/r1/secret.txt')).toEqual({ refused: 'outside the store' })
  })

  it('refuses a sibling folder whose name starts like the store', () => {
    const sibling = `${realpathSync(store)}-x`
    mkdirSync(sibling, { recursive: true })
    writeFileSync(join(sibling, 'f'), 'x')
    symlinkSync(sibling, join(store, 'sib'))
    expect(resolveInStore(root, '/sib/f')).toEqual({ refused: 'outside the store' })
    expect(resolveInStore(root, '/nothing-here')).toEqual({ refused: 'no such file' })
  })
})
