/**
 * The process helper with real processes on this machine (a one-node local
 * cluster whose root is a temporary folder): detached start under
 * libfaketime with its pid and log under the run's root, refusals before
 * starting, signals to the whole process group, the bounded wait, stop.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LIBFAKETIME } from '../../../control/faketime.js'
import type { Cluster } from '../../../control/remote.js'
import { NodeProcess } from '../../../targets/node-process.js'
import { localCluster, type LocalCluster } from './local-cluster.js'

let cluster: LocalCluster
const started: NodeProcess[] = []
beforeEach(() => {
  cluster = localCluster()
})
afterEach(async () => {
  for (const p of started.splice(0)) await p.stopAll(cluster)
  await cluster.destroy()
})

function proc(spec: ConstructorParameters<typeof NodeProcess>[0]): NodeProcess {
  const p = new NodeProcess(spec)
  started.push(p)
  return p
}

const pidOf = (p: NodeProcess): number => Number(readFileSync(join(cluster.root, p.pidFile), 'utf8'))

/** The state letter of a process (R, S, T, Z...), or undefined when it is gone. */
function state(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]
  } catch {
    return undefined
  }
}

/** The live processes of a process group. */
function group(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const fields = readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')
        return Number(fields[2]) === pgid && fields[0] !== 'Z'
      } catch {
        return false
      }
    })
    .map(Number)
}

const logHas = (p: NodeProcess, text: string) => async () => (await p.logTail(cluster, 'n1')).includes(text)

describe('NodeProcess', () => {
  it('starts the command detached under libfaketime with the run options, its pid and output under the run root', async () => {
    const p = proc({
      name: 'echo-env',
      command: ({ node, options }) => ['sh', '-c', 'echo "id=$1 bug=$2 preload=$LD_PRELOAD file=$FAKETIME_TIMESTAMP_FILE"; exec sleep 60', 'sh', node.name, options.bug ?? 'none'],
    })
    await p.start(cluster, 'n1', { bug: 'b1', options: {} })
    expect(state(pidOf(p))).toMatch(/[RS]/)
    await p.waitUntil(cluster, logHas(p, 'id=n1 bug=b1'), { waitingFor: 'its first line', timeoutMs: 5000 })
    expect(await p.logTail(cluster, 'n1')).toContain(`preload=${LIBFAKETIME} file=${cluster.root}/dstest/control/faketime`)
    expect(existsSync(join(cluster.root, 'var/log/echo-env.log'))).toBe(true)
    expect(await p.running(cluster, 'n1')).toBe(true)
  })

  it('adds its environment, makes its folders and runs in its working directory; faketime: false leaves libfaketime out', async () => {
    const p = proc({
      name: 'plain',
      command: () => ['sh', '-c', 'echo "preload=[$LD_PRELOAD] extra=$EXTRA pwd=$(pwd)"; exec sleep 60'],
      env: ({ node }) => ({ EXTRA: `for-${node.name}` }),
      dirs: ['/srv/data'],
      cwd: '/srv/data',
      faketime: false,
    })
    await p.start(cluster, 'n1')
    await p.waitUntil(cluster, logHas(p, 'extra='), { waitingFor: 'its first line', timeoutMs: 5000 })
    expect(await p.logTail(cluster, 'n1')).toBe(`preload=[] extra=for-n1 pwd=${cluster.root}/srv/data`)
  })

  it('refuses a second start while it runs, and a program missing from the node, before starting anything', async () => {
    const p = proc({ name: 'once', command: () => ['sleep', '60'] })
    await p.start(cluster, 'n1')
    const pid = pidOf(p)
    await expect(p.start(cluster, 'n1')).rejects.toMatchObject({ code: 'E_CLUSTER', message: expect.stringContaining(`already running as pid ${pid}`) })
    expect(pidOf(p)).toBe(pid)

    const missing = proc({ name: 'missing', command: () => ['/opt/nowhere/server', '--port', '1'] })
    const err = await missing.start(cluster, 'n1').then(() => undefined, (e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_CLUSTER', message: 'cannot start missing on n1: /opt/nowhere/server: not found or not executable on this node' })
    expect((err as { fix: string }).fix).toMatch(/put \/opt\/nowhere\/server into the node image/)
    expect(existsSync(join(cluster.root, missing.pidFile))).toBe(false)
  })

  it('pauses, resumes and kills its whole process group; kill is idempotent, a signal to nothing is an error; start runs it again', async () => {
    // A launcher that keeps a child in its group, as a start-up script does.
    const p = proc({ name: 'tree', command: ({ options }) => ['sh', '-c', 'echo "start bug=$1"; sleep 60 & exec sleep 61', 'sh', options.bug ?? 'none'] })
    await p.start(cluster, 'n1', { bug: 'first', options: {} })
    const pid = pidOf(p)
    await p.waitUntil(cluster, () => group(pid).length === 2, { waitingFor: 'the child', timeoutMs: 5000 })

    // A signal is delivered when its process is next scheduled: under load the
    // group shows 'R' for a moment after kill returns, so the states are waited for.
    await p.pause(cluster, 'n1')
    await p.waitUntil(cluster, () => group(pid).map(state).join() === 'T,T', { waitingFor: 'the group to stop', nodes: [], timeoutMs: 5000 })
    expect(await p.running(cluster, 'n1')).toBe(true)
    await p.resume(cluster, 'n1')
    await p.waitUntil(cluster, () => group(pid).length === 2 && group(pid).map(state).every((s) => s !== 'T'), { waitingFor: 'the group to go on', nodes: [], timeoutMs: 5000 })

    await p.kill(cluster, 'n1')
    await p.waitUntil(cluster, () => group(pid).length === 0, { waitingFor: 'the group to die', nodes: [], timeoutMs: 5000 })
    expect(await p.running(cluster, 'n1')).toBe(false)
    await p.kill(cluster, 'n1')
    await expect(p.pause(cluster, 'n1')).rejects.toMatchObject({ code: 'E_REMOTE', message: expect.stringMatching(/tree on n1: kill -STOP failed \(pid \d+ is not running\)/) })

    await p.start(cluster, 'n1', { bug: 'again', options: {} })
    expect(pidOf(p)).not.toBe(pid)
    await p.waitUntil(cluster, logHas(p, 'start bug=again'), { waitingFor: 'the restart', timeoutMs: 5000 })
    expect((await p.logTail(cluster, 'n1')).split('\n')).toEqual(['start bug=first', 'start bug=again'])
  })

  it('a wait ends early when the process exits, naming the node and its last log line; else at the bound, saying what it waited for', async () => {
    const dies = proc({ name: 'dies', command: () => ['sh', '-c', 'echo "fatal: address already in use" >&2; exit 1'] })
    await dies.start(cluster, 'n1')
    const t0 = Date.now()
    const early = await dies.waitUntil(cluster, () => false, { waitingFor: 'an answer on port 7300', timeoutMs: 20_000 }).then(() => undefined, (e: unknown) => e)
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(early).toMatchObject({
      code: 'E_CLUSTER',
      message: 'dies on n1 exited while dstest waited for an answer on port 7300 (its log ends: "fatal: address already in use")',
      fix: "read /var/log/dies.log of n1, downloaded into the run's nodes/n1/ folder",
    })

    const slow = proc({ name: 'slow', command: () => ['sleep', '60'] })
    await slow.start(cluster, 'n1')
    await expect(slow.waitUntil(cluster, () => false, { waitingFor: 'a leader', timeoutMs: 300, state: () => 'n1: follower term 2' })).rejects.toMatchObject({
      code: 'E_CLUSTER',
      message: 'slow: gave up after 0.3 s waiting for a leader (n1: follower term 2)',
    })
    let calls = 0
    await slow.waitUntil(cluster, () => ++calls >= 3 || Promise.reject(new Error('not yet')), { waitingFor: 'three polls' })
    expect(calls).toBe(3)
    // A condition that throws (rather than rejects) is "not yet" too.
    let throws = 0
    await slow.waitUntil(
      cluster,
      () => {
        if (++throws < 3) throw new Error('connection refused')
        return true
      },
      { waitingFor: 'three polls' },
    )
    expect(throws).toBe(3)

    // A liveness probe that fails (an exec timing out on a loaded node) is not
    // "exited": the wait goes on to its condition.
    let probes = 0
    const flaky: Cluster = {
      ...cluster,
      remote: (node) => {
        const remote = cluster.remote(node)
        return {
          ...remote,
          exec: (argv, options) => (argv.includes('dstest-alive') && ++probes <= 2 ? Promise.reject(new Error('exec timed out after 10000 ms')) : remote.exec(argv, options)),
        }
      },
    }
    const t2 = Date.now()
    await slow.waitUntil(flaky, () => Date.now() - t2 > 2500, { waitingFor: 'past two failed probes', timeoutMs: 20_000 })
    expect(probes).toBeGreaterThanOrEqual(2)
  })

  it('stop: TERM, then KILL after the grace for a process that ignores TERM; nothing left; idempotent', async () => {
    const p = proc({ name: 'stubborn', command: () => ['sh', '-c', 'trap "" TERM; echo ready; while true; do sleep 0.05; done'], stopGraceMs: 300 })
    await p.start(cluster, 'n1')
    const pid = pidOf(p)
    await p.waitUntil(cluster, logHas(p, 'ready'), { waitingFor: 'ready', timeoutMs: 5000 })
    const t0 = Date.now()
    await p.stop(cluster, 'n1')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300)
    expect(group(pid)).toEqual([])
    expect(existsSync(join(cluster.root, p.pidFile))).toBe(false)
    await p.stop(cluster, 'n1')

    const polite = proc({ name: 'polite', command: () => ['sleep', '60'] })
    await polite.start(cluster, 'n1')
    const t1 = Date.now()
    await polite.stop(cluster, 'n1')
    expect(Date.now() - t1).toBeLessThan(3000)
  })

  it('names are checked, and so is an empty command', async () => {
    expect(() => new NodeProcess({ name: 'My Server', command: () => ['x'] })).toThrow(/must be lowercase letters/)
    await expect(new NodeProcess({ name: 'empty', command: () => [] }).start(cluster, 'n1')).rejects.toThrow(/empty argv for n1/)
  })
})
