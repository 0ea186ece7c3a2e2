import { mkdtemp, mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { DockerCluster } from '../../../control/docker/cluster.js'
import { Engine, RUN_LABEL } from '../../../control/docker/engine.js'
import { DockerRuntime } from '../../../control/docker/runtime.js'
import { isDstestError } from '../../../core/errors.js'
import { describeEngine, runIdFor } from './helpers.js'

describeEngine('cluster lifecycle', () => {
  const runtime = new DockerRuntime()
  let cluster: DockerCluster
  let local: string

  beforeAll(async () => {
    local = await mkdtemp(join(tmpdir(), 'dstest-files-'))
    cluster = await runtime.createCluster({ runId: runIdFor('cluster'), nodes: 5 })
  })
  afterAll(async () => {
    await cluster?.destroy()
    await rm(local, { recursive: true, force: true })
  })

  it('starts n1..n5 with fixed addresses on their own network, hostnames and names resolving', async () => {
    expect(cluster.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5'])
    const prefix = cluster.nodes[0]!.address.split('.').slice(0, 3).join('.')
    expect(prefix).toMatch(/^10\.222\.\d+$/)
    expect(cluster.nodes.map((n) => n.address)).toEqual([11, 12, 13, 14, 15].map((i) => `${prefix}.${i}`))
    const r = await cluster.remote('n3').exec(['node', '-e', "require('dns').lookup('n5', (e, a) => console.log(require('os').hostname(), a))"])
    expect(r.stdout.trim()).toBe(`n3 ${cluster.node('n5').address}`)
  })

  it('exec: argv, exit code, demultiplexed output, env, cwd, stdin, timeout', async () => {
    const remote = cluster.remote('n1')
    expect(await remote.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' })
    // An argument is one argv element, never parsed by a shell.
    expect((await remote.exec(['node', '-e', 'console.log(process.argv[1])', '$(echo no); rm -rf /'])).stdout).toBe('$(echo no); rm -rf /\n')
    expect((await remote.exec(['sh', '-c', 'echo "$FOO" && pwd'], { env: { FOO: 'bar baz' }, cwd: '/tmp' })).stdout).toBe('bar baz\n/tmp\n')
    expect((await remote.exec(['cat'], { stdin: 'from stdin' })).stdout).toBe('from stdin')
    const started = Date.now()
    const err = await remote.exec(['sleep', '10'], { timeoutMs: 300 }).then(() => undefined, (e: unknown) => e)
    expect(isDstestError(err) && err.code).toBe('E_REMOTE')
    expect(Date.now() - started).toBeLessThan(3000)
    expect(await remote.exec(['sleep', '5'], { detach: true })).toEqual({ exitCode: -1, stdout: '', stderr: '' })
  })

  it('upload and download round-trip a file and a folder', async () => {
    const src = join(local, 'src')
    await mkdir(join(src, 'deep', 'er'), { recursive: true })
    await writeFile(join(src, 'a.txt'), 'alpha\n')
    await writeFile(join(src, 'deep', 'er', 'b.bin'), Buffer.from([0, 1, 2, 255]))
    const long = 'x'.repeat(120)
    await writeFile(join(src, `${long}.txt`), 'long name\n')
    const remote = cluster.remote('n2')
    await remote.upload(src, '/opt/dstest/upload/here')
    await remote.upload(join(src, 'a.txt'), '/tmp/single.txt')
    expect((await remote.exec(['cat', '/opt/dstest/upload/here/deep/er/b.bin'])).exitCode).toBe(0)
    expect((await remote.exec(['cat', '/tmp/single.txt'])).stdout).toBe('alpha\n')
    const back = join(local, 'back')
    await remote.download('/opt/dstest/upload/here', back)
    await remote.download('/tmp/single.txt', back)
    expect(await readFile(join(back, 'here', 'a.txt'), 'utf8')).toBe('alpha\n')
    expect([...(await readFile(join(back, 'here', 'deep', 'er', 'b.bin')))]).toEqual([0, 1, 2, 255])
    expect(await readFile(join(back, 'here', `${long}.txt`), 'utf8')).toBe('long name\n')
    expect(await readFile(join(back, 'single.txt'), 'utf8')).toBe('alpha\n')
  })

  it('the control directory is bind-mounted at /dstest/control', async () => {
    await cluster.setClockOffset('n4', 1500)
    expect((await cluster.remote('n4').exec(['cat', '/dstest/control/faketime'])).stdout).toBe('+1.500\n')
  })

  it('destroy is idempotent and removes containers, network and control folder', async () => {
    const other = await runtime.createCluster({ runId: runIdFor('destroy'), nodes: 2 })
    const engine = await Engine.connect()
    const controlRoot = join(other.nodes[0]!.controlDir, '..')
    await Promise.all([other.destroy(), other.destroy()])
    await other.destroy()
    expect(await engine.listContainers(`${RUN_LABEL}=${other.runId}`)).toEqual([])
    expect(await engine.listNetworks(`${RUN_LABEL}=${other.runId}`)).toEqual([])
    expect(existsSync(controlRoot)).toBe(false)
  })

  it('cleanup --run removes what an abandoned run left behind', async () => {
    const runId = runIdFor('abandoned')
    await runtime.createCluster({ runId, nodes: 2 }) // never destroyed, as after a SIGKILL
    const { removed } = await runtime.cleanup({ runId })
    expect(removed.filter((r) => r.startsWith('container'))).toHaveLength(2)
    expect(removed.filter((r) => r.startsWith('network'))).toHaveLength(1)
    const engine = await Engine.connect()
    expect(await engine.listContainers(`${RUN_LABEL}=${runId}`)).toEqual([])
    expect((await readdir(tmpdir())).filter((d) => d.includes(runId))).toEqual([])
    expect(await runtime.cleanup({ runId })).toEqual({ removed: [], kept: [] })
  })

  it('no engine at a socket path is E_ENGINE (exit 4) with a fix', async () => {
    const err = await new DockerRuntime({ socketPath: '/nonexistent/docker.sock' })
      .createCluster({ runId: 'never', nodes: 1 })
      .then(() => undefined, (e: unknown) => e)
    expect(isDstestError(err) && err.code).toBe('E_ENGINE')
    expect(isDstestError(err) && err.exitCode).toBe(4)
    expect(isDstestError(err) && err.toLine()).toBe('no Docker engine at /nonexistent/docker.sock: start one with `dockerd` (or pass --runtime ssh)')
  })
})
