/**
 * Command-line options of the server:
 *
 *   node main.js --id n1 --peers n1=10.0.0.2:7000,n2=10.0.0.3:7000,n3=10.0.0.4:7000
 *                --listen 0.0.0.0:7000 --data /var/lib/raft-kv --log /var/log/raft-kv.log
 *                [--pid-file /var/run/raft-kv.pid] [--bug NAME]
 *                [--election-ms 300-600] [--heartbeat-ms 50] [--snapshot-every 1000]
 *                [--request-timeout-ms 5000]
 */
import { parseCommonArgs, type CommonConfig } from '../../server-kit/args.js'
import { BUGS, type BugName } from './bugs.js'

export interface ServerConfig extends CommonConfig<BugName> {
  heartbeatMs: number
  snapshotEvery: number
}

export function parseArgs(argv: readonly string[]): ServerConfig {
  const { common, int } = parseCommonArgs(argv, ['heartbeat-ms', 'snapshot-every'], BUGS)
  return { ...common, heartbeatMs: int('heartbeat-ms', 50), snapshotEvery: int('snapshot-every', 1000) }
}
