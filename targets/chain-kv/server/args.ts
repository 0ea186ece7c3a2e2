/**
 * Command-line options of the server:
 *
 *   node main.js --id n1 --peers n1=10.0.0.2:7100,n2=10.0.0.3:7100,n3=10.0.0.4:7100
 *                --listen 0.0.0.0:7100 --data /var/lib/chain-kv --log /var/log/chain-kv.log
 *                [--pid-file /var/run/chain-kv.pid] [--bug NAME]
 *                [--heartbeat-ms 100] [--lease-ms 900] [--fail-ms 1500] [--rejoin-ms 1000]
 *                [--election-ms 300-600] [--request-timeout-ms 5000]
 */
import { splitAddress } from '../../raft-kv/server/rpc.js'
import { BUGS, isBugName, type BugName } from './bugs.js'

export interface ServerConfig {
  id: string
  /** Every server, this one included, in the order of the initial chain: id → host:port. */
  peers: Map<string, string>
  listen: { host: string; port: number }
  data: string
  log: string | null
  pidFile: string | null
  bug: BugName | null
  /** How often the master probes every node (and renews leases). */
  heartbeatMs: number
  /** A node serves (head writes, tail reads) only this long after the master's last probe. */
  leaseMs: number
  /** The master removes a member it has not heard from for this long. Must exceed lease-ms. */
  failMs: number
  /** A node outside the chain must answer probes this long before the master starts its join. */
  rejoinMs: number
  /** Election timeout range of the master's Raft group. */
  electionMs: { min: number; max: number }
  requestTimeoutMs: number
}

const FLAGS = [
  'id', 'peers', 'listen', 'data', 'log', 'pid-file', 'bug',
  'heartbeat-ms', 'lease-ms', 'fail-ms', 'rejoin-ms', 'election-ms', 'request-timeout-ms',
]

export function parseArgs(argv: readonly string[]): ServerConfig {
  const given = new Map<string, string>()
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!
    const value = argv[i + 1]
    if (!flag.startsWith('--') || !FLAGS.includes(flag.slice(2))) throw new Error(`unknown option '${flag}' (known: ${FLAGS.map((f) => '--' + f).join(' ')})`)
    if (value === undefined) throw new Error(`option '${flag}' needs a value`)
    given.set(flag.slice(2), value)
  }
  const need = (name: string): string => {
    const v = given.get(name)
    if (v === undefined) throw new Error(`option --${name} is required`)
    return v
  }
  const int = (name: string, fallback: number): number => {
    const v = Number(given.get(name) ?? fallback)
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`)
    return v
  }

  const id = need('id')
  const peers = new Map<string, string>()
  for (const part of need('peers').split(',')) {
    const [name, address] = part.split('=')
    if (!name || !address) throw new Error(`--peers: '${part}' is not id=host:port`)
    splitAddress(address)
    peers.set(name, address)
  }
  if (!peers.has(id)) throw new Error(`--peers must include this server '${id}'`)
  const [host, port] = splitAddress(need('listen'))

  const bug = given.get('bug') ?? null
  if (bug !== null && !isBugName(bug)) throw new Error(`unknown --bug '${bug}' (known: ${Object.keys(BUGS).join(', ')})`)

  const range = /^(\d+)-(\d+)$/.exec(given.get('election-ms') ?? '300-600')
  if (!range || Number(range[1]) >= Number(range[2])) throw new Error('--election-ms needs MIN-MAX, e.g. 300-600')

  const leaseMs = int('lease-ms', 900)
  const failMs = int('fail-ms', 1500)
  // A lease must run out before the master may act on a node's silence (see ../README.md, "Fencing").
  if (leaseMs >= failMs) throw new Error('--lease-ms must be shorter than --fail-ms')

  return {
    id,
    peers,
    listen: { host, port },
    data: need('data'),
    log: given.get('log') ?? null,
    pidFile: given.get('pid-file') ?? null,
    bug,
    heartbeatMs: int('heartbeat-ms', 100),
    leaseMs,
    failMs,
    rejoinMs: int('rejoin-ms', 1000),
    electionMs: { min: Number(range[1]), max: Number(range[2]) },
    requestTimeoutMs: int('request-timeout-ms', 5000),
  }
}
