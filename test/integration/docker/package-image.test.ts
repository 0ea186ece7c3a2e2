/**
 * An image from Debian packages, built for real (debootstrap from this
 * machine's apt sources, about a minute): the packaged program runs in the
 * nodes, partitions and bandwidth limits reach them both ways the nemesis
 * applies them (nsenter from the host, and the image's own iptables and tc),
 * and libfaketime reaches a process started with faketimeEnv().
 */
import { readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DockerCluster } from '../../../control/docker/cluster.js'
import { Engine } from '../../../control/docker/engine.js'
import { ensureImage, imageList } from '../../../control/docker/image.js'
import { ensurePackageImage, packageImageTag } from '../../../control/docker/package-image.js'
import { DockerRuntime } from '../../../control/docker/runtime.js'
import { faketimeEnv } from '../../../control/faketime.js'
import { checkBuildTools, planDebianRoot } from '../../../control/image/debian-root.js'
import type { ImageLayer } from '../../../control/image/layer.js'
import { deleteRootArgv, tbfArgv } from '../../../control/tc.js'
import { isDstestError } from '../../../core/errors.js'
import { netStateOf } from '../../../nemesis/net.js'
import { describeEngine, runIdFor } from './helpers.js'

let reason: string | undefined
try {
  await checkBuildTools()
  await planDebianRoot()
} catch (e) {
  reason = e instanceof Error ? e.message : String(e)
}
/** Within an engine's suite: skipped, saying why, where this machine cannot build package images. */
const describeBuilds = (name: string, fn: () => void): void => {
  if (reason === undefined) describe(name, fn)
  else describe.skip(`${name} (skipped: ${reason})`, fn)
}

const PORT = 7000

/** Root folders, build logs and locks of package builds, as left in the work folders. */
async function buildLeftovers(hash: string): Promise<string[]> {
  const names = [...(await readdir('/var/tmp').catch(() => [])), ...(await readdir(tmpdir()))]
  return names.filter((n) => n.includes(hash))
}

describeEngine('images from Debian packages', () => {
  describeBuilds('netcat-openbsd', () => {
    const layer: ImageLayer = {
      name: `it-packages-${process.pid}`,
      packages: ['netcat-openbsd'],
      // /var/run is a link to /run in Debian: the file lands there and the link stays.
      files: [{ to: '/opt/dstest/hello.txt', content: 'hello from the layer\n' }, { to: '/var/run/it/pid', content: '1\n' }],
    }
    let packagesTag: string
    let tag: string
    const progress: string[] = []
    let buildMs = 0

    beforeAll(async () => {
      const engine = await Engine.connect()
      packagesTag = await packageImageTag(['netcat-openbsd'])
      // Really build it (a cached image from an earlier run would prove nothing).
      await engine.removeImage(packagesTag)
      const built = await ensureImage(engine, layer, { progress: (m) => progress.push(m) })
      tag = built.tag
      buildMs = built.ms
      expect(built.cached).toBe(false)
    }, 900_000)
    afterAll(async () => {
      const engine = await Engine.connect()
      if (tag) await engine.removeImage(tag)
      if (packagesTag) await engine.removeImage(packagesTag)
    })

    it('builds with progress, leaves no root folder, log or lock, and is then a cache hit that ls lists', async () => {
      expect(progress.some((m) => m.startsWith(`building ${packagesTag} from Debian`))).toBe(true)
      expect(progress).toContain('apt-get install netcat-openbsd')
      expect(progress).toContain(`importing ${packagesTag}`)
      expect(buildMs).toBeGreaterThan(0)
      expect(await buildLeftovers(packagesTag.split(':')[1]!)).toEqual([])
      const engine = await Engine.connect()
      const again = await ensureImage(engine, layer)
      expect(again).toMatchObject({ tag, cached: true })
      expect(again.ms).toBeLessThan(5000)
      const listed = await imageList()
      expect(listed.find((i) => i.tag === packagesTag)).toMatchObject({ name: 'packages', packages: ['netcat-openbsd'] })
      expect(listed.find((i) => i.tag === tag)).toMatchObject({ name: layer.name })
    })

    describe('in a cluster', () => {
      let cluster: DockerCluster
      beforeAll(async () => {
        cluster = await new DockerRuntime().createCluster({ runId: runIdFor('packages'), nodes: 3, image: tag })
        await cluster.remote('n1').exec(['nc', '-lk', String(PORT)], { detach: true })
      })
      afterAll(async () => {
        await cluster?.destroy()
      })

      /** Whether `from` opens a TCP connection to n1 (the packaged nc on both ends). */
      const reachesN1 = async (from: string): Promise<boolean> => {
        const r = await cluster.remote(from).exec(['nc', '-z', '-w', '1', cluster.node('n1').address, String(PORT)], { timeoutMs: 10_000 })
        return r.exitCode === 0
      }

      it('runs the packaged program, with the layer on top', async () => {
        const deadline = Date.now() + 10_000
        while (!(await reachesN1('n2')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
        expect(await reachesN1('n2')).toBe(true)
        expect((await cluster.remote('n3').exec(['cat', '/opt/dstest/hello.txt'])).stdout).toBe('hello from the layer\n')
        expect((await cluster.remote('n3').exec(['readlink', '/var/run'])).stdout).toBe('/run\n')
        expect((await cluster.remote('n3').exec(['cat', '/run/it/pid'])).stdout).toBe('1\n')
      })

      it('a partition applied from the host (nsenter + iptables-restore) cuts the packaged program off, and heals', async () => {
        const net = netStateOf(cluster)
        await net.setGrudge({ n1: ['n2'] })
        expect(cluster.viaNsenter).toBe(true)
        expect([await reachesN1('n2'), await reachesN1('n3')]).toEqual([false, true])
        await net.heal()
        expect(await reachesN1('n2')).toBe(true)
      })

      it('libfaketime reaches a process started with faketimeEnv()', async () => {
        await cluster.setClockOffset('n2', 3_600_000)
        const faked = await cluster.remote('n2').exec(['date', '+%s'], { env: faketimeEnv() })
        const real = await cluster.remote('n2').exec(['date', '+%s'])
        expect(faked.stderr).toBe('')
        expect(Number(faked.stdout) - Number(real.stdout)).toBeGreaterThanOrEqual(3590)
        expect(Number(faked.stdout) - Number(real.stdout)).toBeLessThanOrEqual(3610)
        await cluster.setClockOffset('n2', 0)
      })
    })

    it("the image's own iptables and tc work when faults go through docker exec", async () => {
      const cluster = await new DockerRuntime({ netVia: 'exec' }).createCluster({ runId: runIdFor('packages-exec'), nodes: 2, image: tag })
      try {
        await cluster.remote('n1').exec(['nc', '-lk', String(PORT)], { detach: true })
        const reaches = async (): Promise<boolean> =>
          (await cluster.remote('n2').exec(['nc', '-z', '-w', '1', cluster.node('n1').address, String(PORT)], { timeoutMs: 10_000 })).exitCode === 0
        const deadline = Date.now() + 10_000
        while (!(await reaches()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
        const net = netStateOf(cluster)
        await net.setGrudge({ n1: ['n2'] })
        expect(cluster.viaNsenter).toBe(false)
        expect(await reaches()).toBe(false)
        await net.heal()
        expect(await reaches()).toBe(true)
        const shaped = await cluster.netExec('n1', tbfArgv({ rateKbit: 1000 }))
        expect([shaped.exitCode, shaped.stderr]).toEqual([0, ''])
        expect((await cluster.netExec('n1', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout).toMatch(/qdisc tbf .* rate 1Mbit/)
        expect((await cluster.netExec('n1', deleteRootArgv())).exitCode).toBe(0)
      } finally {
        await cluster.destroy()
      }
    })
  })

  describeBuilds('limits', () => {
    it('a build past its time limit is stopped, and leaves no image, root folder or lock behind', async () => {
      const engine = await Engine.connect()
      const packages = ['netcat-openbsd', 'socat']
      const tag = await packageImageTag(packages)
      const err = await ensurePackageImage(engine, packages, { timeoutMs: 3000 }).catch((e: unknown) => e)
      expect(isDstestError(err) && err.toLine()).toMatch(/^debootstrap bookworm .* did not finish within the image build's 3 s: check that .* answers/)
      expect(isDstestError(err) && err.exitCode).toBe(4)
      expect(await engine.hasImage(tag)).toBe(false)
      const hash = tag.split(':')[1]!
      // The failed build's log stays for the user to read; nothing else does.
      expect(await buildLeftovers(hash)).toEqual([`dstest-image-${hash}.log`])
      await rm(`/var/tmp/dstest-image-${hash}.log`)
    })
  })
})
