// ZooKeeper 3.8 from Debian, as a dstest target: a five-server ensemble, one
// JVM per node, tested with the bundled register workload (one znode per key).
//
//   npx dstest run --target examples/zookeeper/target.ts --nemesis partition
//   npx dstest run --target examples/zookeeper/target.ts --nemesis partition --bug no-sync
//
// ZooKeeper promises linearizable writes, and reads served by whichever server
// the client is connected to, from its own copy: sequentially consistent, and
// possibly stale. A sync() first makes the server catch up with the leader.
// The default client syncs before every read; `--bug no-sync` reads without.
import { connect } from 'node:net'
import { defineTarget, NodeProcess, nodePath, type Cluster } from 'dstest'
import { ZooKeeperClient } from './client.js'
import { CLIENT_PORT, CONF_FILE, DATA_DIR, javaArgv, modeOf, serverId, zooCfg } from './ensemble.js'

/** One ZooKeeper server per node, started as the JVM itself (no launcher script), under libfaketime. */
const server = new NodeProcess({
  name: 'zookeeper',
  command: ({ at }) => javaArgv(at(CONF_FILE)),
  dirs: [DATA_DIR],
  // A JVM takes a moment to stop on SIGTERM.
  stopGraceMs: 10_000,
})

/** Writes zoo.cfg (from stdin) and myid. $1 data folder, $2 zoo.cfg, $3 the server's id. */
const WRITE_CONFIG = `mkdir -p "$1" "\${2%/*}" && cat > "$2" && printf '%s\\n' "$3" > "$1/myid"`

/** The answer of the `srvr` four-letter command on port 2181, or '' when none came within a second. */
export function srvr(address: string): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    const socket = connect({ host: address, port: CLIENT_PORT })
    const done = (): void => {
      socket.destroy()
      resolve(text)
    }
    socket.setTimeout(1000, done)
    socket.on('connect', () => socket.end('srvr'))
    socket.on('data', (chunk) => (text += chunk.toString('utf8')))
    socket.on('close', done)
    socket.on('error', () => undefined)
  })
}

/** Whether the server at `address` serves clients: it is in a quorum, as leader or follower. */
const serving = async (address: string): Promise<boolean> => ['leader', 'follower'].includes(modeOf(await srvr(address)) ?? '')

const addressOf = (cluster: Cluster, node: string): string => cluster.nodes.find((n) => n.name === node)!.address

/** An ensemble of five JVMs takes 4-14 s to elect a leader on an idle machine, much longer on a loaded one. */
const START_TIMEOUT_MS = 180_000

export default defineTarget({
  name: 'zookeeper',
  description: "Apache ZooKeeper 3.8 (Debian's package), one server per node; register on znodes, sync() before reads",
  bugs: {
    'no-sync': 'reads without sync() first: each server answers from its own copy (sequential consistency, as ZooKeeper documents), so a read may miss a completed write',
  },
  workloads: ['register'],
  operations: ['read', 'write', 'cas'],
  // Not declared: clock faults on this target were not tried (see the README).
  clock: 'none',

  imageLayer: () => ({ name: 'zookeeper', packages: ['zookeeper'] }),

  async setup(cluster, options) {
    await Promise.all(
      cluster.nodes.map(async (n) => {
        const at = (path: string): string => nodePath(cluster, path)
        const r = await cluster
          .remote(n.name)
          .exec(['sh', '-c', WRITE_CONFIG, 'zookeeper-config', at(DATA_DIR), at(CONF_FILE), String(serverId(cluster.nodes, n.name))], {
            stdin: zooCfg(cluster.nodes, at(DATA_DIR)),
            timeoutMs: 30_000,
          })
        if (r.exitCode !== 0) throw new Error(`zookeeper on ${n.name}: cannot write ${CONF_FILE}: ${r.stderr.trim()}`)
      }),
    )
    await server.startAll(cluster, options)
    await server.waitUntil(cluster, async () => (await Promise.all(cluster.nodes.map((n) => serving(n.address)))).every(Boolean), {
      waitingFor: 'every server to join the quorum (srvr answering Mode: leader or follower)',
      timeoutMs: START_TIMEOUT_MS,
      state: async () => (await Promise.all(cluster.nodes.map(async (n) => `${n.name} ${modeOf(await srvr(n.address)) ?? 'not serving'}`))).join(', '),
    })
  },
  teardown: (cluster) => server.stopAll(cluster),

  // --nemesis kill: SIGKILL the JVM; start waits until the server is back in the quorum.
  kill: (cluster, node) => server.kill(cluster, node),
  async start(cluster, node, options) {
    // The nemesis gives a start 3 x --op-timeout; one it gave up on may have started the server already.
    if (!(await server.running(cluster, node))) await server.start(cluster, node, options)
    await server.waitUntil(cluster, () => serving(addressOf(cluster, node)), { waitingFor: `${node} to rejoin the quorum`, nodes: [node], timeoutMs: START_TIMEOUT_MS })
  },
  pause: (cluster, node) => server.pause(cluster, node),
  resume: (cluster, node) => server.resume(cluster, node),
  logFiles: () => [server.logFile],
  // The leader, as its own server says (`--partition primaries` cuts it off).
  primaries: async (cluster) => {
    const modes = await Promise.all(cluster.nodes.map(async (n) => modeOf(await srvr(n.address))))
    return cluster.nodes.filter((_, i) => modes[i] === 'leader').map((n) => n.name)
  },

  // Returned at once, connecting in the background: until its session is up, its operations fail
  // (nothing was sent), and a client whose node is cut off does not hold its thread.
  client: ({ node, address, bug }) => new ZooKeeperClient(node, address, bug !== 'no-sync'),
})
