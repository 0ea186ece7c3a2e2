/**
 * Command-line options of the server:
 *
 *   node main.js --id n1 --peers n1=10.0.0.2:7000,n2=10.0.0.3:7000,n3=10.0.0.4:7000
 *                --listen 0.0.0.0:7000 --data /var/lib/raft-kv --log /var/log/raft-kv.log
 *                [--pid-file /var/run/raft-kv.pid] [--bug NAME]
 *                [--election-ms 300-600] [--heartbeat-ms 50] [--snapshot-every 1000]
 *                [--request-timeout-ms 5000]
 */
import { BUGS, isBugName, type BugName } from './bugs.js'
import { splitAddress } from './rpc.js'

export interface ServerConfig {
  id: string
  /** Every server of the cluster, this one included: id → host:port. */
  peers: Map<string, string>
  listen: { host: string; port: number }
  data: string
  log: string | null
  pidFile: string | null
  bug: BugName | null
  electionMs: { min: number; max: number }
  heartbeatMs: number
  snapshotEvery: number
  requestTimeoutMs: number
}

const FLAGS = ['id', 'peers', 'listen', 'data', 'log', 'pid-file', 'bug', 'election-ms', 'heartbeat-ms', 'snapshot-every', 'request-timeout-ms']

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

  return {
    id,
    peers,
    listen: { host, port },
    data: need('data'),
    log: given.get('log') ?? null,
    pidFile: given.get('pid-file') ?? null,
    bug,
    electionMs: { min: Number(range[1]), max: Number(range[2]) },
    heartbeatMs: int('heartbeat-ms', 50),
    snapshotEvery: int('snapshot-every', 1000),
    requestTimeoutMs: int('request-timeout-ms', 5000),
  }
}
