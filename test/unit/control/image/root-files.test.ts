/** Writing into an image's root folder never writes or removes anything outside it, whatever links its packages made. */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { emptyDir, mkdirInRoot, removeRootFile, writeRootFile } from '../../../../control/image/root-files.js'
import { isDstestError } from '../../../../core/errors.js'

let base: string
let root: string
let outside: string
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'dstest-root-files-'))
  root = join(base, 'root')
  outside = join(base, 'machine')
  await mkdir(join(root, 'etc'), { recursive: true })
  await mkdir(outside)
  await writeFile(join(outside, 'resolv.conf'), 'nameserver 10.0.0.1\n')
})
afterEach(async () => {
  await rm(base, { recursive: true, force: true })
})

describe('root files', () => {
  it('writes files with their folders and mode', async () => {
    await writeRootFile(root, 'usr/sbin/policy-rc.d', '#!/bin/sh\nexit 101\n', 0o755)
    expect(await readFile(join(root, 'usr/sbin/policy-rc.d'), 'utf8')).toBe('#!/bin/sh\nexit 101\n')
    expect((await stat(join(root, 'usr/sbin/policy-rc.d'))).mode & 0o777).toBe(0o755)
  })

  it('replaces a link that points out of the root instead of writing through it', async () => {
    await symlink(join(outside, 'resolv.conf'), join(root, 'etc/resolv.conf'))
    await writeRootFile(root, 'etc/resolv.conf', '')
    expect(await readFile(join(outside, 'resolv.conf'), 'utf8')).toBe('nameserver 10.0.0.1\n')
    expect(await readFile(join(root, 'etc/resolv.conf'), 'utf8')).toBe('')
  })

  it('refuses a folder reached through a link out of the root, and makes nothing outside', async () => {
    await symlink(outside, join(root, 'opt'))
    const err = await mkdirInRoot(root, '/opt/dstest').catch((e: unknown) => e)
    expect(isDstestError(err) && err.message).toBe("the image's /opt lies outside its root folder (a link points out of it)")
    expect(await readdir(outside)).toEqual(['resolv.conf'])
    await expect(writeRootFile(root, 'opt/dstest/x', 'x')).rejects.toThrow(/lies outside its root folder/)
    expect(await readdir(outside)).toEqual(['resolv.conf'])
  })

  it('neither empties nor removes through such a link; follows one that stays inside', async () => {
    await mkdir(join(root, 'usr/share'), { recursive: true })
    await symlink(outside, join(root, 'usr/share/locale'))
    await emptyDir(root, 'usr/share/locale')
    await symlink(outside, join(root, 'var'))
    await removeRootFile(root, 'var/resolv.conf')
    expect(await readdir(outside)).toEqual(['resolv.conf'])
    await mkdir(join(root, 'real-cache', 'apt'), { recursive: true })
    await writeFile(join(root, 'real-cache', 'apt', 'pkgcache.bin'), 'x')
    await symlink('real-cache', join(root, 'cache'))
    await mkdirInRoot(root, 'cache/apt/archives')
    await removeRootFile(root, 'cache/apt/pkgcache.bin')
    expect(await readdir(join(root, 'real-cache', 'apt'))).toEqual(['archives'])
  })
})
