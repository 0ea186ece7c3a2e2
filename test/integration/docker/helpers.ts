/**
 * Shared by the Docker integration tests: whether an engine answers (the
 * suites skip, saying why, only when none does), unique run ids, and a tiny
 * TCP/UDP probe run with the node binary inside the containers.
 */
import { describe } from 'vitest'
import { Engine } from '../../../control/docker/engine.js'
import type { DockerCluster } from '../../../control/docker/cluster.js'

let reason: string | undefined
try {
  await (await Engine.connect()).version()
} catch (e) {
  reason = e instanceof Error ? e.message : String(e)
}

/** `describe`, or `describe.skip` with the reason in its name when no engine answers. */
export const describeEngine = (name: string, fn: () => void): void => {
  if (reason === undefined) describe(name, fn)
  else describe.skip(`${name} (skipped: ${reason}; start one with \`dockerd\`)`, fn)
}

export function runIdFor(what: string): string {
  return `it-${what}-${process.pid}-${Date.now().toString(36)}`
}

export const PROBE_PORT = 7000

/** A TCP server answering 'ok' on every connection (started detached on each node). */
const SERVER = `require('net').createServer((s) => s.end('ok')).listen(${PROBE_PORT})`

/** Tries every address once (TCP connect + read), prints {address: boolean} as JSON. */
const CLIENT = `
const net = require('net')
const addrs = process.argv.slice(1)
const one = (a) => new Promise((res) => {
  const s = net.connect({ host: a, port: ${PROBE_PORT}, timeout: 700 })
  let got = ''
  const done = (ok) => { s.destroy(); res(ok) }
  s.on('data', (d) => { got += d })
  s.on('end', () => done(got === 'ok'))
  s.on('timeout', () => done(false))
  s.on('error', () => done(false))
})
Promise.all(addrs.map(one)).then((r) => console.log(JSON.stringify(Object.fromEntries(addrs.map((a, i) => [a, r[i]])))))
`

export async function startProbeServers(cluster: DockerCluster): Promise<void> {
  await Promise.all(cluster.nodes.map((n) => cluster.remote(n.name).exec(['node', '-e', SERVER], { detach: true })))
  // Wait until every server listens (each node reaching itself).
  for (let i = 0; i < 50; i++) {
    const views = await Promise.all(cluster.nodes.map((n) => reach(cluster, n.name, [n.name])))
    if (views.every((v, k) => v[cluster.nodes[k]!.name])) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('probe servers did not start')
}

/** Which of `to` the node `from` can reach over TCP (by node name). */
export async function reach(cluster: DockerCluster, from: string, to: readonly string[]): Promise<Record<string, boolean>> {
  const addrs = to.map((n) => cluster.node(n).address)
  const r = await cluster.remote(from).exec(['node', '-e', CLIENT, ...addrs], { timeoutMs: 10_000 })
  if (r.exitCode !== 0) throw new Error(`probe from ${from} failed: ${r.stderr}`)
  const byAddr = JSON.parse(r.stdout) as Record<string, boolean>
  return Object.fromEntries(to.map((n) => [n, byAddr[cluster.node(n).address] === true]))
}

/** The whole connectivity matrix: from → to → reachable. */
export async function matrix(cluster: DockerCluster): Promise<Record<string, Record<string, boolean>>> {
  const names = cluster.nodes.map((n) => n.name)
  const rows = await Promise.all(names.map((from) => reach(cluster, from, names)))
  return Object.fromEntries(names.map((n, i) => [n, rows[i]!]))
}
