/**
 * A real full disk for one server process: it runs under `prlimit --fsize`,
 * so a write that would make a file larger than the limit fails (EFBIG, and
 * node ignores SIGXFSZ) exactly as a write to a full disk fails (ENOSPC). No
 * hook in the server and no mock of the client: the server meets a real
 * failed write after its state changed.
 */
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import type { ChildProcess } from 'node:child_process'

/** Files may grow to this size; the test writes a value larger than it. */
export const FILE_SIZE_LIMIT = 64 * 1024
export const LAUNCHER = ['prlimit', `--fsize=${FILE_SIZE_LIMIT}`]
export const hasPrlimit = spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0

/** A value whose log line cannot fit under the limit. */
export const tooLarge = (): string => 'x'.repeat(FILE_SIZE_LIMIT * 2)

/** The exit code of a server process, once it has exited. */
export async function exitCode(proc: ChildProcess | undefined): Promise<number | null> {
  if (!proc) throw new Error('no process')
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode
  const [code] = (await once(proc, 'exit')) as [number | null]
  return code
}
