// PostgreSQL 15 from Debian, tested by dstest with Elle's list-append workload:
// one SQL transaction per operation at the isolation level of targetOptions
// (serializable by default, repeatable-read, read-committed). README.md beside
// this file has the commands, the faults and what they found.
//
//   npx dstest run --target examples/postgres/target.ts --nemesis kill,pause,partition --nemesis-targets primaries
//   npx dstest run --target examples/postgres/target.ts --config examples/postgres/repeatable-read.json
//
// PostgreSQL is a single primary: the server runs on n1. Every other node runs
// pg-relay (relay.mjs), a TCP relay to n1's server, and the clients of that node
// connect through it, so their path to the server crosses the cluster's
// network: a partition that separates a node from n1 cuts that node's clients
// off the server, as it would cut off an application server in that part of
// the network. n1's own clients connect to the server directly.
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { defineTarget, nodePath, NodeProcess, UsageError, type Cluster, type TargetOptions } from 'dstest'
import { ISOLATION_LEVELS, PgListAppendClient, PORT, SCHEMA, type Isolation } from './client.js'

/** The node that runs the server. */
const SERVER = 'n1'
const HBA = '/etc/dstest-postgres/pg_hba.conf'

/** The isolation level of targetOptions.isolation (serializable unless given); anything else is refused. */
export function isolationOf(options: Readonly<Record<string, unknown>>): Isolation {
  const unknown = Object.keys(options).filter((k) => k !== 'isolation')
  if (unknown.length > 0) throw new UsageError(`postgres target: unknown targetOptions ${unknown.join(', ')}`, 'its only option is isolation')
  const level = options.isolation ?? 'serializable'
  if (typeof level !== 'string' || !(level in ISOLATION_LEVELS)) {
    throw new UsageError(`postgres target: targetOptions.isolation is ${JSON.stringify(level)}`, `choose one of ${Object.keys(ISOLATION_LEVELS).join(', ')}`)
  }
  return level as Isolation
}

/**
 * The server, as user postgres on the cluster that the package's initdb made
 * at build time, listening on every address with the layer's pg_hba.conf
 * (trust: the nodes are the test's own containers). setpriv execs, so the
 * pid on file is the postmaster's and signals reach its whole group.
 */
const server = new NodeProcess({
  name: 'postgresql',
  command: ({ at }) => [
    ...['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--'],
    '/usr/lib/postgresql/15/bin/postgres',
    ...['-D', '/var/lib/postgresql/15/main'],
    ...['-c', 'config_file=/etc/postgresql/15/main/postgresql.conf'],
    ...['-c', `hba_file=${at(HBA)}`],
    ...['-c', 'listen_addresses=*'],
    ...['-c', 'max_connections=300'],
    // A transaction whose client was cut off (a partition) would hold its row
    // locks until TCP noticed: end it sooner.
    ...['-c', 'idle_in_transaction_session_timeout=10s'],
    ...['-c', 'tcp_keepalives_idle=2', '-c', 'tcp_keepalives_interval=1', '-c', 'tcp_keepalives_count=3'],
    // Crash recovery begins by syncing the data directory; file by file
    // (the default) that took over 20 s on the loaded test machine.
    ...['-c', 'recovery_init_sync_method=syncfs'],
  ],
  stopGraceMs: 10_000,
  // Under libfaketime the server, started as root and switched to postgres by
  // setpriv, dies at once: libfaketime cannot open the semaphore the root shell
  // made ("sem_open failed ... Permission denied"). Clock faults are therefore
  // not declared: see README.
  faketime: false,
})

/** pg-relay on the other nodes. */
const relay = new NodeProcess({
  name: 'pg-relay',
  command: ({ cluster, at }) => [at('/opt/pg-relay/node'), at('/opt/pg-relay/relay.mjs'), '--listen', String(PORT), '--to', `${addressOf(cluster, SERVER)}:${PORT}`],
})

const processOn = (node: string): NodeProcess => (node === SERVER ? server : relay)

/**
 * Sends signal $1 to the postmaster of pid file $2 and to each of its
 * children (found while the postmaster is stopped). NodeProcess signals a
 * process group, and that is not enough here: every PostgreSQL backend makes
 * itself the leader of a group of its own. When the server is not running:
 * exit 3, or 0 if $3 is 'gone-ok' (a kill or a resume has nothing to do).
 */
const SIGNAL_SERVER = `sig=$1; gone=3; [ "$3" = gone-ok ] && gone=0
p=$(cat "$2" 2>/dev/null) || { echo "no pid file $2: never started" >&2; exit "$gone"; }
s=$(cat "/proc/$p/stat" 2>/dev/null) || { echo "pid $p is not running" >&2; exit "$gone"; }
case \${s##*) } in Z*|X*) echo "pid $p is not running" >&2; exit "$gone";; esac
# A stopped postmaster forks no new backend, and its children keep it as
# their parent (a dead one's are adopted by init at once).
[ "$sig" = CONT ] || kill -s STOP "$p"
pids=
for d in /proc/[0-9]*; do
  s=$(cat "$d/stat" 2>/dev/null) || continue
  s=\${s##*) }; set -- $s
  [ "$2" = "$p" ] && pids="$pids \${d#/proc/}"
done
for q in $pids $p; do kill -s "$sig" "$q" 2>/dev/null; done
exit 0`

/**
 * Waits up to 30 s until no postgres process is left on the node (after a
 * kill, backends busy writing take a moment to die), so that a new server
 * does not find the old shared memory still in use. Exit 1 if some remain.
 */
const AWAIT_NO_SERVER = `i=0
while [ "$i" -lt 300 ]; do
  left=
  for d in /proc/[0-9]*; do
    s=$(cat "$d/stat" 2>/dev/null) || continue
    case $s in *"(postgres) "[!ZX]*) left=\${d#/proc/};; esac
  done
  [ -z "$left" ] && exit 0
  sleep 0.1; i=$((i + 1))
done
echo "postgres process $left still there 30 s after the server was killed" >&2; exit 1`

async function signalServer(cluster: Cluster, signal: 'KILL' | 'STOP' | 'CONT'): Promise<void> {
  // A server that is not running is as killed as it gets, and has nothing to resume; pausing it is an error.
  const goneOk = signal === 'STOP' ? [] : ['gone-ok']
  const r = await cluster.remote(SERVER).exec(['sh', '-c', SIGNAL_SERVER, 'signal-postgres', signal, nodePath(cluster, server.pidFile), ...goneOk], { timeoutMs: 20_000 })
  if (r.exitCode !== 0) throw new Error(`postgresql on ${SERVER}: kill -${signal} failed (${r.stderr.trim() || `exit ${r.exitCode}`})`)
}

function addressOf(cluster: Cluster, node: string): string {
  const info = cluster.nodes.find((n) => n.name === node)
  if (!info) throw new RangeError(`no node ${node} in run ${cluster.runId}`)
  return info.address
}

/** Whether PostgreSQL answers a query at host (the server, or a relay to it). */
async function answers(host: string): Promise<boolean> {
  const conn = new pg.Client({ host, port: PORT, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000, query_timeout: 2000 })
  conn.on('error', () => {})
  try {
    await conn.connect()
    await conn.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    conn.connection.stream.destroy()
  }
}

/** Whether something accepts TCP connections at host:PORT (a relay, whether or not the server is reachable). */
function listens(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: PORT, timeout: 1000 })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}

async function startServer(cluster: Cluster, options: TargetOptions): Promise<void> {
  const gone = await cluster.remote(SERVER).exec(['sh', '-c', AWAIT_NO_SERVER], { timeoutMs: 40_000 })
  if (gone.exitCode !== 0) throw new Error(`cannot start postgresql on ${SERVER}: ${gone.stderr.trim() || `exit ${gone.exitCode}`}`)
  await server.start(cluster, SERVER, options)
  // After a kill the server replays its WAL first.
  await server.waitUntil(cluster, () => answers(addressOf(cluster, SERVER)), { waitingFor: `PostgreSQL to answer on ${SERVER}:${PORT}`, nodes: [SERVER], timeoutMs: 60_000 })
}

async function startRelay(cluster: Cluster, node: string, options: TargetOptions): Promise<void> {
  await relay.start(cluster, node, options)
  await relay.waitUntil(cluster, () => listens(addressOf(cluster, node)), { waitingFor: `pg-relay to listen on ${node}:${PORT}`, nodes: [node] })
}

export default defineTarget({
  name: 'postgres',
  description: 'PostgreSQL 15 (Debian) on n1, list-append transactions at the isolation level of targetOptions.isolation; the other nodes relay their clients to it',
  workloads: ['list-append'],
  operations: ['txn'],
  // Its data directory and packages are the image's: SSH hosts would need a server of their own.
  runtimes: ['docker'],

  imageLayer: () => ({
    name: 'postgres-example',
    packages: ['postgresql-15'],
    files: [
      { to: HBA, content: 'local all all trust\nhost all all 0.0.0.0/0 trust\n' },
      { from: fileURLToPath(new URL('./relay.mjs', import.meta.url)), to: '/opt/pg-relay/relay.mjs' },
      // The package image has no node of its own: the relay runs on this machine's, with its libraries.
      { binary: process.execPath, to: '/opt/pg-relay/node' },
    ],
  }),

  async setup(cluster, options) {
    isolationOf(options.options)
    if (!cluster.nodes.some((n) => n.name === SERVER)) throw new RangeError(`the postgres target runs its server on ${SERVER}, which run ${cluster.runId} lacks`)
    await startServer(cluster, options)
    const conn = new pg.Client({ host: addressOf(cluster, SERVER), port: PORT, user: 'postgres', database: 'postgres', query_timeout: 10_000 })
    await conn.connect()
    try {
      await conn.query(SCHEMA)
    } finally {
      await conn.end()
    }
    const relays = cluster.nodes.filter((n) => n.name !== SERVER)
    await Promise.all(relays.map((n) => startRelay(cluster, n.name, options)))
    await relay.waitUntil(cluster, async () => (await Promise.all(relays.map((n) => answers(n.address)))).every(Boolean), {
      waitingFor: `PostgreSQL to answer through the relays on ${relays.map((n) => n.name).join(', ')}`,
      nodes: relays.map((n) => n.name),
    })
  },
  async teardown(cluster) {
    await Promise.all(cluster.nodes.map((n) => processOn(n.name).stop(cluster, n.name)))
  },

  // --nemesis kill and pause act on the node's process: the server on n1, its
  // postmaster and every backend (--nemesis-targets primaries aims them
  // there), a relay elsewhere.
  kill: (cluster, node) => (node === SERVER ? signalServer(cluster, 'KILL') : relay.kill(cluster, node)),
  start: (cluster, node, options) => (node === SERVER ? startServer(cluster, options) : startRelay(cluster, node, options)),
  pause: (cluster, node) => (node === SERVER ? signalServer(cluster, 'STOP') : relay.pause(cluster, node)),
  resume: (cluster, node) => (node === SERVER ? signalServer(cluster, 'CONT') : relay.resume(cluster, node)),
  logFiles: (node) => [processOn(node).logFile],
  primaries: async () => [SERVER],

  client: ({ node, address, targetOptions }) => new PgListAppendClient(node, address, isolationOf(targetOptions)),
})
