/**
 * npm run bench -- ssh
 *
 * The SSH runtime's costs on a bed of five sshd hosts (scripts/ssh-testbed.sh,
 * brought up and removed here), each against the Docker runtime measured in
 * the same run, interleaved:
 * 1. `dstest run` (the built CLI, raft-kv, no faults) from the process start
 *    to its "running" line, images built and the layer already uploaded to
 *    the hosts by a warm-up run of each (target: SSH within 2 s of Docker);
 * 2. a partition (random halves) applied on all 5 nodes, and its heal
 *    (target ≤ 200 ms over SSH).
 * Each figure is the median of its runs. Prints one JSON document.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DockerRuntime } from '../control/docker/runtime.js'
import type { Cluster } from '../control/remote.js'
import { Random } from '../core/random.js'
import { parseSpec } from '../core/spec.js'
import { randomHalves } from '../nemesis/grudge.js'
import { NetState } from '../nemesis/net.js'
import { sshRuntime } from '../run/runtimes.js'
import type { NetworkControl } from '../control/capabilities.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 10)
const ROOT = resolve(import.meta.dirname, '../..')
const CLI = join(ROOT, 'dist/cli/main.js')
const BED = `dstest-bench-ssh-${process.pid}`

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const round = (x: number): number => Math.round(x * 10) / 10

function bed(action: 'up' | 'down' | 'dir', n?: number): string {
  return execFileSync('bash', [join(ROOT, 'scripts/ssh-testbed.sh'), action, ...(n ? [String(n)] : [])], {
    env: { ...process.env, DSTEST_TESTBED: BED },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim()
}

/** Milliseconds from spawning `dstest run` to its "running" line; the run then ends by itself (1 s workload). */
function toRunning(args: string[], store: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [CLI, 'run', '--target', 'raft-kv', '--time-limit', '1', '--recovery-time', '0', '--reporter', 'line', '--store', store, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let at: number | undefined
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8')
      if (at === undefined && /\] running/.test(out)) at = performance.now() - t0
    })
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')))
    child.on('exit', (code) => {
      if (code === 0 && at !== undefined) resolvePromise(at)
      else reject(new Error(`dstest run ${args.join(' ')} exited ${code}:\n${out}`))
    })
  })
}

async function partitions(net: NetState, nodes: string[], seed: number, partition: number[], heal: number[]): Promise<void> {
  const random = new Random(seed)
  const t0 = performance.now()
  await net.setGrudge(randomHalves(nodes, random))
  partition.push(performance.now() - t0)
  const t1 = performance.now()
  await net.heal()
  heal.push(performance.now() - t1)
}

async function main(): Promise<void> {
  const store = mkdtempSync(join(tmpdir(), 'dstest-bench-ssh-'))
  bed('up', 5)
  const dir = bed('dir')
  const sshArgs = ['--runtime', 'ssh', '--nodes-file', join(dir, 'nodes.txt'), '--ssh-key', join(dir, 'id_ed25519'), '--known-hosts', join(dir, 'known_hosts')]
  const docker: number[] = []
  const ssh: number[] = []
  const dockerPartition: number[] = []
  const dockerHeal: number[] = []
  const sshPartition: number[] = []
  const sshHeal: number[] = []
  try {
    // Warm-up: builds the images (Docker) and fills the layer cache on the hosts (SSH).
    await toRunning(['--runtime', 'docker'], store)
    await toRunning(sshArgs, store)
    for (let i = 0; i < RUNS; i++) {
      docker.push(await toRunning(['--runtime', 'docker'], store))
      ssh.push(await toRunning(sshArgs, store))
    }

    const dockerCluster = await new DockerRuntime().createCluster({ runId: `bench-ssh-docker-${process.pid}`, nodes: 5 })
    const settings = parseSpec({ nodesFile: join(dir, 'nodes.txt'), sshKey: join(dir, 'id_ed25519'), knownHosts: join(dir, 'known_hosts') })
    const sshCluster = (await (await sshRuntime(settings, { iptables: true })).createCluster({ runId: `bench-ssh-ssh-${process.pid}`, nodes: 5 })) as Cluster & NetworkControl
    try {
      const nodes = sshCluster.nodes.map((n) => n.name)
      const dockerNet = new NetState(dockerCluster)
      const sshNet = new NetState(sshCluster)
      // The chain and the INPUT jump, made by the nemesis setup before a test: not timed.
      await Promise.all([dockerNet.prepare(), sshNet.prepare()])
      for (let k = 0; k < PARTITIONS; k++) {
        await partitions(dockerNet, nodes, k, dockerPartition, dockerHeal)
        await partitions(sshNet, nodes, k, sshPartition, sshHeal)
      }
    } finally {
      await dockerCluster.destroy()
      await sshCluster.destroy()
    }
  } finally {
    bed('down')
    rmSync(store, { recursive: true, force: true })
  }
  console.log(
    JSON.stringify(
      {
        benchmark: 'ssh',
        hosts: 5,
        target: 'raft-kv',
        runs: { toRunning: RUNS, partitions: PARTITIONS },
        toRunningMs: {
          docker: { median: round(median(docker)), all: docker.map(round) },
          ssh: { median: round(median(ssh)), all: ssh.map(round) },
          sshMinusDocker: round(median(ssh) - median(docker)),
          target: 'ssh within 2000 ms of docker',
        },
        partitionMs: {
          docker: { median: round(median(dockerPartition)), max: round(Math.max(...dockerPartition)) },
          ssh: { median: round(median(sshPartition)), max: round(Math.max(...sshPartition)), target: 200 },
        },
        healMs: {
          docker: { median: round(median(dockerHeal)), max: round(Math.max(...dockerHeal)) },
          ssh: { median: round(median(sshHeal)), max: round(Math.max(...sshHeal)), target: 200 },
        },
      },
      null,
      2,
    ),
  )
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  try {
    bed('down')
  } catch {
    // nothing more to do
  }
  process.exit(4)
})
