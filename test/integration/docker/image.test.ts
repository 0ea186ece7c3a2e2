/**
 * Node images on the real engine: the host-binary base, and a target layer of
 * every kind of file (a folder with links inside and out, a symlink given as
 * `from`, generated contents with a mode, host programs with their libraries),
 * run in a container.
 */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Engine } from '../../../control/docker/engine.js'
import { ensureBaseImage, ensureImage, imageList } from '../../../control/docker/image.js'
import { DockerRuntime } from '../../../control/docker/runtime.js'
import type { ImageLayer } from '../../../control/image/layer.js'
import { describeEngine, runIdFor } from './helpers.js'

/** Prints what a node sees at each path: link target, file contents, or missing; and every dangling link under the roots. */
const INSPECT = `
const fs = require('fs'), path = require('path')
const [roots, ...paths] = process.argv.slice(1)
const seen = {}
for (const p of paths) {
  let st
  try { st = fs.lstatSync(p) } catch { seen[p] = 'missing'; continue }
  seen[p] = st.isSymbolicLink() ? 'link:' + fs.readlinkSync(p) : st.isDirectory() ? 'dir' : 'file:' + fs.readFileSync(p, 'utf8')
}
const dangling = []
const walk = (d) => {
  for (const name of fs.readdirSync(d)) {
    const p = path.join(d, name)
    const st = fs.lstatSync(p)
    if (st.isSymbolicLink()) { if (!fs.existsSync(p)) dangling.push(p) }
    else if (st.isDirectory()) walk(p)
  }
}
for (const r of roots.split(',')) walk(r)
console.log(JSON.stringify({ seen, dangling }))
`

describeEngine('images built offline', () => {
  let dir: string
  const built: string[] = []
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dstest-layer-'))
  })
  afterAll(async () => {
    const engine = await Engine.connect()
    for (const tag of built) await engine.removeImage(tag)
    await rm(dir, { recursive: true, force: true })
  })

  it('the base image builds from host binaries and a second build is a cache hit', async () => {
    const engine = await Engine.connect()
    const first = await ensureBaseImage(engine)
    expect(first.tag).toMatch(/^dstest\/base:[0-9a-f]{12}$/)
    const second = await ensureBaseImage(engine)
    expect(second).toMatchObject({ tag: first.tag, cached: true })
    expect(second.ms).toBeLessThan(1000)
    expect((await imageList()).map((i) => i.tag)).toContain(first.tag)
  })

  it('a layer of folders, links, generated files and host programs runs in a node, with no dangling link', async () => {
    const engine = await Engine.connect()
    await mkdir(join(dir, 'app', 'lib'), { recursive: true })
    await writeFile(join(dir, 'app', 'server.js'), "console.log('hi from the layer')\n")
    await writeFile(join(dir, 'app', 'lib', 'x.txt'), 'x\n')
    await symlink('lib', join(dir, 'app', 'current'))
    await writeFile(join(dir, 'outside.txt'), 'outside\n')
    await symlink('../outside.txt', join(dir, 'app', 'shared.txt'))
    await writeFile(join(dir, 'app.conf'), 'port = 7000\n')
    await symlink(join(dir, 'app.conf'), join(dir, 'conf-link'))
    await writeFile(join(dir, 'note.txt'), 'from a URL\n')
    const layer: ImageLayer = {
      name: `it-layer-${process.pid}`,
      files: [
        { from: join(dir, 'app'), to: '/opt/dstest/app' },
        { from: join(dir, 'conf-link'), to: '/etc/app.conf' },
        { to: '/opt/dstest/run.sh', content: '#!/bin/sh\necho "run $1"\n', mode: 0o755 },
        { binary: 'curl', to: '/opt/tools/curl' },
        // unxz is a link to xz, which decompresses when started by that name.
        { binary: '/usr/bin/unxz', to: '/opt/tools/unxz' },
        // /bin is a link into /usr in the image: the file lands there and the link stays.
        { from: pathToFileURL(join(dir, 'note.txt')), to: '/bin/note.txt' },
      ],
    }
    const image = await ensureImage(engine, layer)
    built.push(image.tag)
    expect(image.tag).toMatch(new RegExp(`^dstest/${layer.name}:[0-9a-f]{12}$`))
    expect(image.cached).toBe(false)
    expect(await ensureImage(engine, layer)).toMatchObject({ tag: image.tag, cached: true })

    const cluster = await new DockerRuntime().createCluster({ runId: runIdFor('layer'), nodes: 1, image: image.tag })
    try {
      const node = cluster.remote('n1')
      expect((await node.exec(['node', '/opt/dstest/app/server.js'])).stdout).toBe('hi from the layer\n')
      expect((await node.exec(['/opt/dstest/run.sh', 'now'])).stdout).toBe('run now\n')
      const curl = await node.exec(['/opt/tools/curl', '--version'])
      expect([curl.exitCode, curl.stdout.split(' ')[0]]).toEqual([0, 'curl'])
      const xz = await node.exec(['sh', '-c', 'printf hello | /opt/tools/xz | /opt/tools/unxz'])
      expect([xz.exitCode, xz.stdout, xz.stderr]).toEqual([0, 'hello', ''])
      const paths = ['/opt/dstest/app/current', '/opt/dstest/app/current/x.txt', '/opt/dstest/app/shared.txt', '/etc/app.conf', '/opt/tools/unxz', '/bin', '/usr/bin/note.txt']
      const r = await node.exec(['node', '-e', INSPECT, '/opt,/usr/lib,/usr/lib64,/usr/bin,/usr/sbin,/etc', ...paths])
      expect(r.stderr).toBe('')
      expect(JSON.parse(r.stdout)).toEqual({
        seen: {
          '/opt/dstest/app/current': 'link:lib',
          '/opt/dstest/app/current/x.txt': 'file:x\n',
          '/opt/dstest/app/shared.txt': 'file:outside\n',
          '/etc/app.conf': 'file:port = 7000\n',
          '/opt/tools/unxz': 'link:xz',
          '/bin': 'link:usr/bin',
          '/usr/bin/note.txt': 'file:from a URL\n',
        },
        dangling: [],
      })
    } finally {
      await cluster.destroy()
    }

    // Changing a file changes the tag.
    await writeFile(join(dir, 'app', 'lib', 'x.txt'), 'y\n')
    const changed = await ensureImage(engine, layer)
    built.push(changed.tag)
    expect(changed.tag).not.toBe(image.tag)
  })
})
