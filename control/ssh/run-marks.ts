/**
 * How a run marks what it creates on a shared host, so that it (or
 * `dstest cleanup --run ID`) removes exactly that and nothing of another run:
 *
 *   /tmp/dstest-run-<run id>/          the run's root: the target's files, data, logs, pid files
 *     dstest/run-id                    the run id (for cleanup of every run)
 *     dstest/owner                     the dstest that made it (control/owner.ts): host, pid, start
 *     dstest/chain                     the run's iptables chain name
 *     dstest/pids/<pid>                every process the run started (each also carries DSTEST_RUN=<run id> in its environment)
 *     dstest/qdiscs                    interfaces the run put a root qdisc on
 *     dstest/control/faketime          the libfaketime offset of the target
 *     dstest/clock-offset-ms           how far the run stepped the real clock (--ssh-real-clock)
 *   iptables chain DSTEST-<8 hex of sha256(run id)>, jumped to from INPUT
 */
import { createHash } from 'node:crypto'

export const RUN_DIR_PREFIX = '/tmp/dstest-run-'
const RUN_ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/

export function checkRunId(runId: string): string {
  if (!RUN_ID_RE.test(runId)) throw new RangeError(`bad run id '${runId}': use letters, digits, '.', '_' or '-' (at most 63)`)
  return runId
}

export function runRoot(runId: string): string {
  return `${RUN_DIR_PREFIX}${checkRunId(runId)}`
}

/** iptables chain names are at most 28 characters, run ids up to 63: the chain carries a hash of the id. */
export function chainName(runId: string): string {
  return `DSTEST-${createHash('sha256').update(checkRunId(runId)).digest('hex').slice(0, 8)}`
}

export const marks = (root: string) => ({
  dir: `${root}/dstest`,
  runId: `${root}/dstest/run-id`,
  owner: `${root}/dstest/owner`,
  chain: `${root}/dstest/chain`,
  pids: `${root}/dstest/pids`,
  qdiscs: `${root}/dstest/qdiscs`,
  detachedLog: `${root}/dstest/detached.log`,
  clockOffset: `${root}/dstest/clock-offset-ms`,
})

/** The environment variable every process of the run carries: cleanup kills a pid only when it still carries it. */
export const RUN_ENV = 'DSTEST_RUN'

/** argv that prints, for each run found on a host, its id and its owner (JSON, or nothing), tab-separated. */
export function listRunsArgv(prefix: string = RUN_DIR_PREFIX): string[] {
  const script = `for d in "$1"*; do [ -f "$d/dstest/run-id" ] || continue; printf '%s\\t%s\\n' "$(cat "$d/dstest/run-id")" "$(cat "$d/dstest/owner" 2>/dev/null)"; done; true`
  return ['sh', '-c', script, 'dstest-runs', prefix]
}
