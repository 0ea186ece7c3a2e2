/**
 * The command line every bundled server shares:
 *
 *   --id n1 --peers n1=host:port,n2=host:port,... --listen host:port --data DIR
 *   [--log FILE] [--pid-file FILE] [--bug NAME] [--election-ms MIN-MAX] [--request-timeout-ms N]
 *
 * A target adds its own flags (with their defaults) on top through `int`.
 */
import { splitAddress } from './address.js'

export interface CommonConfig<Bug extends string> {
  id: string
  /** Every server of the cluster, this one included, in the given order: id → host:port. */
  peers: Map<string, string>
  listen: { host: string; port: number }
  data: string
  log: string | null
  pidFile: string | null
  bug: Bug | null
  electionMs: { min: number; max: number }
  requestTimeoutMs: number
}

const COMMON_FLAGS = ['id', 'peers', 'listen', 'data', 'log', 'pid-file', 'bug', 'election-ms', 'request-timeout-ms']

/**
 * Parses the common flags and accepts `ownFlags` too; `int(name, fallback)`
 * reads one of those as a positive integer.
 */
export function parseCommonArgs<Bug extends string>(
  argv: readonly string[],
  ownFlags: readonly string[],
  bugs: Readonly<Record<Bug, string>>,
): { common: CommonConfig<Bug>; int: (name: string, fallback: number) => number } {
  const flags = [...COMMON_FLAGS, ...ownFlags]
  const given = new Map<string, string>()
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!
    const value = argv[i + 1]
    if (!flag.startsWith('--') || !flags.includes(flag.slice(2))) throw new Error(`unknown option '${flag}' (known: ${flags.map((f) => '--' + f).join(' ')})`)
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
  if (bug !== null && !Object.hasOwn(bugs, bug)) throw new Error(`unknown --bug '${bug}' (known: ${Object.keys(bugs).join(', ')})`)

  const range = /^(\d+)-(\d+)$/.exec(given.get('election-ms') ?? '300-600')
  if (!range || Number(range[1]) >= Number(range[2])) throw new Error('--election-ms needs MIN-MAX, e.g. 300-600')

  return {
    common: {
      id,
      peers,
      listen: { host, port },
      data: need('data'),
      log: given.get('log') ?? null,
      pidFile: given.get('pid-file') ?? null,
      bug: bug as Bug | null,
      electionMs: { min: Number(range[1]), max: Number(range[2]) },
      requestTimeoutMs: int('request-timeout-ms', 5000),
    },
    int,
  }
}
