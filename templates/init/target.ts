// The tiny-kv target: how dstest puts tiny-kv on the nodes, starts and stops
// it, faults its processes and talks to it. Run it with
//   npx dstest run --target ./target.ts                       (its tiny-set workload)
//   npx dstest run --target ./target.ts --bug stale-reads     (a bug it catches)
//   npx dstest run --target ./target.ts --workload register --nemesis partition,kill
import { fileURLToPath } from 'node:url'
import { defineTarget, NodeProcess, type Cluster } from 'dstest'
import { PORT, TinyKvClient } from './client.js'
import tinySet from './workload.js'

/** One tiny-kv process per node, under libfaketime, with its pid and log file (see NodeProcess). */
const server = new NodeProcess({
  name: 'tiny-kv',
  command: ({ cluster, node, options, at }) => [
    'node',
    at('/opt/tiny-kv/server.mjs'),
    ...['--id', node.name, '--port', String(PORT)],
    ...['--peers', cluster.nodes.map((n) => `${n.name}=${n.address}`).join(',')],
    ...['--data', at('/var/lib/tiny-kv')],
    ...(options.bug ? ['--bug', options.bug] : []),
  ],
  dirs: ['/var/lib/tiny-kv'],
})

/** Whether the node at `address` answers GET /status. */
async function answers(address: string): Promise<boolean> {
  try {
    return (await fetch(`http://${address}:${PORT}/status`, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}

const everyNodeAnswers = async (cluster: Cluster): Promise<boolean> => (await Promise.all(cluster.nodes.map((n) => answers(n.address)))).every(Boolean)

export default defineTarget({
  name: 'tiny-kv',
  description: 'a key-value server whose nodes forward every request to the first node',
  bugs: { 'stale-reads': 'a forwarding node answers reads of keys it has seen from its own memory' },
  // Its own workload (the default), then a bundled one its client serves too.
  workloads: [tinySet, 'register'],
  operations: ['read', 'write', 'cas', 'add'],
  // Its processes start under libfaketime (NodeProcess does that), so clock faults reach them.
  clock: 'faketime',

  // The node image: dstest's (with node in it) plus this file.
  imageLayer: () => ({ name: 'tiny-kv', files: [{ from: fileURLToPath(new URL('./server.mjs', import.meta.url)), to: '/opt/tiny-kv/server.mjs' }] }),

  async setup(cluster, options) {
    await server.startAll(cluster, options)
    await server.waitUntil(cluster, () => everyNodeAnswers(cluster), { waitingFor: `an answer from every node on port ${PORT}` })
  },
  teardown: (cluster) => server.stopAll(cluster),

  // --nemesis kill and pause act on the process; start waits until it answers again.
  kill: (cluster, node) => server.kill(cluster, node),
  async start(cluster, node, options) {
    await server.start(cluster, node, options)
    const address = cluster.nodes.find((n) => n.name === node)!.address
    await server.waitUntil(cluster, () => answers(address), { waitingFor: `an answer from ${node}`, nodes: [node] })
  },
  pause: (cluster, node) => server.pause(cluster, node),
  resume: (cluster, node) => server.resume(cluster, node),
  // Downloaded into the run's nodes/<node>/ folder.
  logFiles: () => [server.logFile],
  // The node that holds the data: what `--partition primaries` cuts off.
  primaries: async (cluster) => [cluster.nodes[0]!.name],

  client: ({ node, address }) => new TinyKvClient(node, address),
})
