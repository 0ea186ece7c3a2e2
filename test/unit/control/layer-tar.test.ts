import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fingerprint, toTarEntries } from '../../../control/docker/layer-tar.js'
import type { LayerEntry } from '../../../control/image/entries.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dstest-fp-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('layer archives', () => {
  it('entries become archive entries relative to /', () => {
    const entries: LayerEntry[] = [
      { path: '/opt/kv', type: 'dir', mode: 0o750 },
      { path: '/opt/kv/current', type: 'symlink', linkname: 'v2' },
      { path: '/opt/kv/run.sh', type: 'file', mode: 0o755, content: Buffer.from('#!/bin/sh\n') },
      { path: '/opt/kv/server', type: 'file', mode: 0o755, from: '/x/server', size: 12 },
    ]
    expect(toTarEntries(entries)).toEqual([
      { path: 'opt/kv', type: 'dir', mode: 0o750 },
      { path: 'opt/kv/current', type: 'symlink', linkname: 'v2' },
      { path: 'opt/kv/run.sh', type: 'file', mode: 0o755, content: Buffer.from('#!/bin/sh\n') },
      { path: 'opt/kv/server', type: 'file', mode: 0o755, from: '/x/server', size: 12 },
    ])
  })

  it('the fingerprint follows contents, modes, links and the seed', async () => {
    const file = join(dir, 'server')
    await writeFile(file, 'version one')
    const at = (mode: number): LayerEntry[] => [{ path: '/opt/kv/server', type: 'file', mode, from: file, size: 11 }]
    const first = await fingerprint(at(0o755), 's', true)
    expect(first).toMatch(/^[0-9a-f]{12}$/)
    expect(await fingerprint(at(0o755), 's', true)).toBe(first)
    expect(await fingerprint(at(0o644), 's', true)).not.toBe(first)
    expect(await fingerprint(at(0o755), 't', true)).not.toBe(first)
    await writeFile(file, 'version two')
    expect(await fingerprint(at(0o755), 's', true)).not.toBe(first)
    const link = (linkname: string): LayerEntry[] => [{ path: '/l', type: 'symlink', linkname }]
    expect(await fingerprint(link('a'), 's', true)).not.toBe(await fingerprint(link('b'), 's', true))
  })
})
