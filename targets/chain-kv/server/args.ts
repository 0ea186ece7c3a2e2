/**
 * Command-line options of the server:
 *
 *   node main.js --id n1 --peers n1=10.0.0.2:7100,n2=10.0.0.3:7100,n3=10.0.0.4:7100
 *                --listen 0.0.0.0:7100 --data /var/lib/chain-kv --log /var/log/chain-kv.log
 *                [--pid-file /var/run/chain-kv.pid] [--bug NAME]
 *                [--heartbeat-ms 100] [--lease-ms 900] [--fail-ms 1500] [--rejoin-ms 1000]
 *                [--election-ms 300-600] [--request-timeout-ms 5000]
 */
import { parseCommonArgs, type CommonConfig } from '../../server-kit/args.js'
import { BUGS, type BugName } from './bugs.js'

/** Peers are given in the order of the initial chain. */
export interface ServerConfig extends CommonConfig<BugName> {
  /** How often the master probes every node (and renews leases). */
  heartbeatMs: number
  /** A node serves (head writes, tail reads) only this long after the master's last probe. */
  leaseMs: number
  /** The master removes a member it has not heard from for this long. Must exceed lease-ms. */
  failMs: number
  /** A node outside the chain must answer probes this long before the master starts its join. */
  rejoinMs: number
}

export function parseArgs(argv: readonly string[]): ServerConfig {
  const { common, int } = parseCommonArgs(argv, ['heartbeat-ms', 'lease-ms', 'fail-ms', 'rejoin-ms'], BUGS)
  const leaseMs = int('lease-ms', 900)
  const failMs = int('fail-ms', 1500)
  // A lease must run out before the master may act on a node's silence (see ../README.md, "Fencing").
  if (leaseMs >= failMs) throw new Error('--lease-ms must be shorter than --fail-ms')
  return { ...common, heartbeatMs: int('heartbeat-ms', 100), leaseMs, failMs, rejoinMs: int('rejoin-ms', 1000) }
}
