/**
 * Clock faults through libfaketime. A target process started with
 * `faketimeEnv()` reads its clock offset from a file in the node's control
 * directory on every clock call (FAKETIME_NO_CACHE), so the control node moves
 * a node's wall clock by rewriting that file: no restart, no privilege.
 *
 * The file lives in a bind-mounted DIRECTORY (not a single-file mount): an
 * atomic rename on the host is only seen through a directory mount.
 * Monotonic clocks are left alone so timers and timeouts keep working, which is
 * what a real NTP step or a drifting clock looks like to a process.
 */
import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The control directory inside every node (bind-mounted from the host). */
export const CONTROL_DIR = '/dstest/control'
/** The offset file libfaketime reads, inside the node. */
export const FAKETIME_FILE = `${CONTROL_DIR}/faketime`
/** The file name inside the per-node host folder. */
export const FAKETIME_FILE_NAME = 'faketime'
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1'

/** The environment to start a target process under libfaketime. */
export function faketimeEnv(file: string = FAKETIME_FILE): Record<string, string> {
  return {
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME_TIMESTAMP_FILE: file,
    FAKETIME_NO_CACHE: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    // libfaketime 0.9.10 turns on its pthread_cond_timedwait "monotonic fix" by
    // itself on this glibc; with the monotonic clock left alone there is nothing
    // to fix, and it makes a JVM's timed waits late: a 3-node ZooKeeper took
    // 150-180 s to serve with it, 13-14 s without (node servers are unaffected).
    FAKETIME_FORCE_MONOTONIC_FIX: '0',
  }
}

/**
 * The file content for a relative offset: `+1.500` / `-120.000` (seconds,
 * millisecond precision; libfaketime reads a bare signed number as seconds,
 * checked against libfaketime 0.9.10).
 */
export function faketimeSpec(offsetMs: number): string {
  if (!Number.isFinite(offsetMs)) throw new RangeError(`faketimeSpec needs a finite offset, got ${offsetMs}`)
  const ms = Math.round(offsetMs)
  const sign = ms < 0 ? '-' : '+'
  const abs = Math.abs(ms)
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}\n`
}

/** Parses what `faketimeSpec` writes back into milliseconds (for tests and reports). */
export function parseFaketimeSpec(spec: string): number {
  const m = /^([+-])(\d+)(?:\.(\d{1,3}))?\s*$/.exec(spec)
  if (!m) throw new RangeError(`not a faketime offset: ${JSON.stringify(spec)}`)
  const ms = Number(m[2]) * 1000 + Number((m[3] ?? '0').padEnd(3, '0'))
  return m[1] === '-' ? -ms : ms
}

/**
 * Writes a node's offset on the HOST, into its bind-mounted control folder,
 * atomically (temp file + rename) so a process never reads half a line.
 */
export async function writeFaketimeOffset(hostControlDir: string, offsetMs: number): Promise<void> {
  const target = join(hostControlDir, FAKETIME_FILE_NAME)
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`
  await writeFile(temp, faketimeSpec(offsetMs))
  await rename(temp, target)
}
