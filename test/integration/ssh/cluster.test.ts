/**
 * The SSH cluster through its API, on a bed of three sshd hosts: files both
 * ways, the target's layer installed from the hosts' cache, a partition that
 * really drops traffic between hosts (and only in the run's chain), the
 * libfaketime clock seen by a process, a lost connection opened again, and
 * destroy leaving nothing.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { faketimeEnv, FAKETIME_FILE } from '../../../control/faketime.js'
import { nodePath } from '../../../control/remote.js'
import type { SshCluster } from '../../../control/ssh/cluster.js'
import { parseSpec } from '../../../core/spec.js'
import { NetState } from '../../../nemesis/net.js'
import { sshRuntime } from '../../../run/runtimes.js'
import { tempDir } from '../../e2e/helpers.js'
import { bedDown, bedUp, describeBed, leftoversOnBed, onHost, type Bed } from './helpers.js'

let bed: Bed | undefined
let cluster: SshCluster | undefined
const need = (): SshCluster => {
  if (!cluster) throw new Error('no cluster')
  return cluster
}

/** Whether `from` opens a TCP connection to `to`'s sshd within 700 ms. */
async function reaches(from: string, to: string): Promise<boolean> {
  const c = need()
  const address = c.nodes.find((n) => n.name === to)!.address
  const probe = `const s=require('net').connect({host:process.argv[1],port:22,timeout:700});s.on('connect',()=>{console.log('yes');s.destroy()});s.on('timeout',()=>{console.log('no');s.destroy()});s.on('error',()=>console.log('no'))`
  const r = await c.remote(from).exec(['node', '-e', probe, address], { timeoutMs: 10_000 })
  return r.stdout.trim() === 'yes'
}

describeBed('SSH cluster on three sshd hosts', () => {
  beforeAll(async () => {
    bed = bedUp('cluster', 3)
    const layerDir = tempDir()
    mkdirSync(join(layerDir, 'app'))
    writeFileSync(join(layerDir, 'app', "it's a file.txt"), 'layer content\n')
    const settings = parseSpec({ nodesFile: bed.nodesFile, sshKey: bed.key, knownHosts: bed.knownHosts })
    const runtime = await sshRuntime(settings, { iptables: true, faketime: true }, { name: 'it-layer', files: [{ from: join(layerDir, 'app'), to: '/opt/it/app' }] })
    cluster = (await runtime.createCluster({ runId: `it-ssh-cluster-${process.pid}`, nodes: 3 })) as SshCluster
  }, 180_000)
  afterAll(async () => {
    await cluster?.destroy().catch(() => undefined)
    bedDown(bed)
  })

  it("puts the run under its own folder, with the layer's files, cached on the host for the next run", async () => {
    const c = need()
    expect(c.root).toBe(`/tmp/dstest-run-it-ssh-cluster-${process.pid}`)
    const r = await c.remote('n2').exec(['cat', nodePath(c, "/opt/it/app/it's a file.txt")])
    expect(r).toEqual({ exitCode: 0, stdout: 'layer content\n', stderr: '' })
    const cached = onHost(bed!.hosts[1]!.container, 'ls /root/.cache/dstest/layers/')
    expect(cached).toMatch(/^it-layer-[0-9a-f]{16}\n$/)
  })

  it('uploads and downloads files and folders, names with spaces and quotes included', async () => {
    const c = need()
    const local = tempDir()
    mkdirSync(join(local, 'd i r'))
    writeFileSync(join(local, 'd i r', '$(x) "q"'), 'payload')
    await c.remote('n1').upload(join(local, 'd i r'), nodePath(c, '/up/d i r'))
    const back = tempDir()
    await c.remote('n1').download(nodePath(c, '/up/d i r'), back)
    expect(readFileSync(join(back, 'd i r', '$(x) "q"'), 'utf8')).toBe('payload')
  })

  it("partitions hosts for real, in the run's own chain, and heals", async () => {
    const c = need()
    const net = new NetState(c)
    await net.prepare()
    expect(await reaches('n1', 'n2')).toBe(true)
    await net.setGrudge({ n2: ['n1'], n1: ['n2'] })
    expect(await reaches('n1', 'n2')).toBe(false)
    expect(await reaches('n1', 'n3')).toBe(true)
    const rules = onHost(bed!.hosts[1]!.container, 'iptables -S')
    expect(rules).toContain(`-A INPUT -j ${c.iptablesChain}`)
    expect(rules).toMatch(new RegExp(`-A ${c.iptablesChain} -s ${c.nodes[0]!.address.replace(/\./g, '\\.')}/32 -j DROP`))
    await net.heal(true)
    expect(await reaches('n1', 'n2')).toBe(true)
  }, 60_000)

  it('moves the clock a process sees under libfaketime', async () => {
    const c = need()
    const now = ['node', '-e', 'console.log(Date.now())']
    const env = faketimeEnv(nodePath(c, FAKETIME_FILE))
    await c.setClockOffset('n3', 3_600_000)
    const skewed = Number((await c.remote('n3').exec(now, { env })).stdout)
    expect(skewed - Date.now()).toBeGreaterThan(3_590_000)
    expect(skewed - Date.now()).toBeLessThan(3_610_000)
    await c.setClockOffset('n3', 0)
    expect(Math.abs(Number((await c.remote('n3').exec(now, { env })).stdout) - Date.now())).toBeLessThan(10_000)
  })

  it('opens a lost connection again for the next command', async () => {
    const c = need()
    expect((await c.remote('n1').exec(['true'])).exitCode).toBe(0)
    // Kill the session's sshd on the host (the listener stays): the connection drops.
    const killed = onHost(bed!.hosts[0]!.container, 'for p in /proc/[0-9]*; do case "$(tr "\\0" " " < $p/cmdline 2>/dev/null)" in "sshd: root@"*) kill -9 ${p#/proc/} && echo killed;; esac; done; true')
    expect(killed).toMatch(/killed/)
    let r = await c.remote('n1').exec(['echo', 'again']).catch((e: Error) => e)
    if (r instanceof Error) {
      expect(r.message).toMatch(/n1 .*lost|n1 .*closed/)
      r = await c.remote('n1').exec(['echo', 'again'])
    }
    expect(r.stdout).toBe('again\n')
  }, 60_000)

  it('a command past its timeout is an E_REMOTE error naming the host', async () => {
    const e = await need().remote('n2').exec(['sleep', '5'], { timeoutMs: 300 }).catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'E_REMOTE' })
    expect((e as Error).message).toMatch(/^n2 \(.*\): `sleep 5` did not finish in 300 ms/)
  })

  it('destroy removes the folder, the chain and the processes, and only those', async () => {
    const c = need()
    await c.remote('n1').exec(['sleep', '600'], { detach: true })
    expect(leftoversOnBed(bed!).some((l) => /^n1: process /.test(l))).toBe(true)
    await c.destroy()
    cluster = undefined
    expect(leftoversOnBed(bed!)).toEqual([])
    // The layer cache stays for the next run.
    expect(onHost(bed!.hosts[0]!.container, 'ls /root/.cache/dstest/layers/')).toMatch(/^it-layer-/)
  })
})
