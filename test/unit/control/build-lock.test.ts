import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acquireBuildLock } from '../../../control/docker/build-lock.js'
import { isDstestError } from '../../../core/errors.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dstest-lock-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('acquireBuildLock', () => {
  it('one holder at a time: the second waits until the first releases', async () => {
    const release = await acquireBuildLock('a', { dir, deadline: Date.now() + 5000 })
    expect(await readFile(join(dir, 'dstest-build-a.lock'), 'utf8')).toBe(String(process.pid))
    const waited: number[] = []
    let second = false
    const next = acquireBuildLock('a', { dir, deadline: Date.now() + 5000, onWait: (pid) => waited.push(pid) }).then((r) => {
      second = true
      return r
    })
    // Once it has seen the holder, it is waiting: it must not have the lock yet.
    while (waited.length === 0) await new Promise((r) => setTimeout(r, 10))
    expect([second, waited]).toEqual([false, [process.pid]])
    await release()
    const releaseNext = await next
    expect(second).toBe(true)
    await releaseNext()
    await expect(readFile(join(dir, 'dstest-build-a.lock'))).rejects.toThrow(/ENOENT/)
  })

  it("takes over a lock whose process is gone", async () => {
    const dead = spawnSync('true').pid!
    await writeFile(join(dir, 'dstest-build-b.lock'), String(dead))
    const release = await acquireBuildLock('b', { dir, deadline: Date.now() + 2000 })
    expect(await readFile(join(dir, 'dstest-build-b.lock'), 'utf8')).toBe(String(process.pid))
    await release()
  })

  it('gives up at the deadline, naming the holder and the lock file', async () => {
    // pid 1 is alive for as long as the machine is.
    await writeFile(join(dir, 'dstest-build-c.lock'), '1')
    const err = await acquireBuildLock('c', { dir, deadline: Date.now() + 200 }).catch((e: unknown) => e)
    expect(isDstestError(err) && err.toLine()).toBe(`another dstest (pid 1) is still building the same image: wait for it, or stop it and remove ${join(dir, 'dstest-build-c.lock')}`)
    expect(isDstestError(err) && err.exitCode).toBe(4)
  })
})
