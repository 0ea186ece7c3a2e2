/**
 * Removing what a run left on a host, as one constant POSIX script (run
 * with root, or sudo, when the host allows): the run's processes (found
 * through its pid files, killed only while they still carry the run's
 * DSTEST_RUN mark, so a reused pid is never hit), the root qdiscs it
 * recorded, its iptables chain and the jump to it, a real-clock step it
 * made, and its folder. Prints one line per thing removed, and `warn: ...`
 * for what it could not remove. The cluster runs it for its own run at the
 * end; `dstest cleanup` runs it for one run id or for every run found.
 */
import { RUN_DIR_PREFIX, RUN_ENV, chainName, runRoot } from './run-marks.js'

const SCRIPT = `PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH
step_clock() { # $1: ms to add to the real clock
  now=$(date +%s%N) && t=$((now + $1 * 1000000)) && date -s "@$((t / 1000000000)).$(printf %09d $((t % 1000000000)))" >/dev/null
}
clean_chain() {
  iptables -S "$1" >/dev/null 2>&1 || return 0
  while iptables -D INPUT -j "$1" 2>/dev/null; do :; done
  if iptables -F "$1" && iptables -X "$1"; then echo "iptables chain $1"; else echo "warn: could not remove iptables chain $1"; fi
}
clean_run() { # $1 run id, $2 root folder, $3 chain
  if [ -d "$2" ]; then
    for f in "$2"/dstest/pids/* "$2"/var/run/*.pid; do
      [ -f "$f" ] || continue
      pid=$(cat "$f" 2>/dev/null)
      case $pid in ''|*[!0-9]*) continue ;; esac
      tr '\\0' '\\n' < "/proc/$pid/environ" 2>/dev/null | grep -qxF "${RUN_ENV}=$1" || continue
      kill -CONT "$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null
      n=0; while [ $n -lt 20 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
      kill -KILL "$pid" 2>/dev/null
      echo "process $pid"
    done
    if [ -f "$2/dstest/qdiscs" ]; then
      for dev in $(sort -u "$2/dstest/qdiscs"); do
        tc qdisc del dev "$dev" root 2>/dev/null && echo "qdisc on $dev"
      done
    fi
    off=$(cat "$2/dstest/clock-offset-ms" 2>/dev/null)
    case $off in ''|0|*[!0-9-]*) ;; *) if step_clock $((0 - off)); then echo "real clock stepped back $off ms"; else echo "warn: could not step the real clock back $off ms"; fi ;; esac
  fi
  clean_chain "$3"
  if [ -d "$2" ]; then
    if rm -rf -- "$2"; then echo "folder $2"; else echo "warn: could not remove $2"; fi
  fi
}
if [ "$1" = --all ]; then
  for d in ${RUN_DIR_PREFIX}*; do
    [ -f "$d/dstest/run-id" ] && [ -f "$d/dstest/chain" ] || continue
    clean_run "$(cat "$d/dstest/run-id")" "$d" "$(cat "$d/dstest/chain")"
  done
  for c in $(iptables -S 2>/dev/null | sed -n 's/^-N \\(DSTEST-[0-9a-f]\\{8\\}\\)$/\\1/p'); do clean_chain "$c"; done
else
  clean_run "$1" "$2" "$3"
fi
true`

/** argv of the cleanup of one run (`runId`), or of every run on the host (undefined). */
export function cleanupArgv(runId: string | undefined): string[] {
  const args = runId === undefined ? ['--all'] : [runId, runRoot(runId), chainName(runId)]
  return ['sh', '-c', SCRIPT, 'dstest-cleanup', ...args]
}

/** The script's report: removed things and warnings. */
export function parseCleanup(stdout: string): { removed: string[]; warnings: string[] } {
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean)
  return { removed: lines.filter((l) => !l.startsWith('warn: ')), warnings: lines.filter((l) => l.startsWith('warn: ')).map((l) => l.slice(6)) }
}

/** argv that steps the real clock by `deltaMs` and records the run's total offset (needs root). */
export function stepClockArgv(deltaMs: number, totalMs: number, recordFile: string): string[] {
  if (!Number.isInteger(deltaMs) || !Number.isInteger(totalMs)) throw new RangeError('clock steps are whole milliseconds')
  return [
    'sh',
    '-c',
    'now=$(date +%s%N) && t=$((now + $1 * 1000000)) && date -s "@$((t / 1000000000)).$(printf %09d $((t % 1000000000)))" >/dev/null && echo "$2" > "$3"',
    'dstest-clock',
    String(deltaMs),
    String(totalMs),
    recordFile,
  ]
}
