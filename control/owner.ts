/**
 * Who owns what a run creates: the host, process id and process start time
 * of the dstest that started it. Every runtime records the owner on what it
 * creates (Docker labels; marks on an SSH host), so that a bare
 * `dstest cleanup` removes only what runs whose process is gone left behind,
 * and never a cluster another dstest on the same engine is still running.
 *
 * A run whose owner cannot be judged from here (another host, or no owner
 * recorded by an older dstest) is 'unknown': only `--run ID` or `--all`
 * remove it.
 */
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'

export interface Owner {
  host: string
  pid: number
  /** When the process started, in clock ticks since boot (/proc/<pid>/stat); tells a reused pid apart. */
  start?: string | undefined
}

export type OwnerState = 'running' | 'gone' | 'unknown'

export const OWNER_LABELS = { host: 'dstest.owner.host', pid: 'dstest.owner.pid', start: 'dstest.owner.start' } as const

/** This process, as the owner of what it creates. */
export function currentOwner(): Owner {
  return { host: hostname(), pid: process.pid, start: processStart(process.pid) }
}

/** The 22nd field of /proc/<pid>/stat; undefined where there is no /proc (or no such process). */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

/** Whether the owner still runs: 'unknown' on another host or when nothing was recorded. */
export function ownerState(owner: Owner | undefined): OwnerState {
  if (!owner || owner.host !== hostname()) return 'unknown'
  try {
    process.kill(owner.pid, 0)
  } catch (e) {
    // EPERM: the process exists but is not ours to signal.
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return 'gone'
  }
  // The pid may have been reused by another process since the owner died.
  if (owner.start !== undefined) {
    const now = processStart(owner.pid)
    if (now !== undefined && now !== owner.start) return 'gone'
  }
  return 'running'
}

export function ownerLabels(owner: Owner): Record<string, string> {
  return {
    [OWNER_LABELS.host]: owner.host,
    [OWNER_LABELS.pid]: String(owner.pid),
    ...(owner.start === undefined ? {} : { [OWNER_LABELS.start]: owner.start }),
  }
}

export function ownerFromLabels(labels: Readonly<Record<string, string>>): Owner | undefined {
  const host = labels[OWNER_LABELS.host]
  const pid = Number(labels[OWNER_LABELS.pid])
  if (host === undefined || !Number.isInteger(pid) || pid <= 0) return undefined
  return { host, pid, start: labels[OWNER_LABELS.start] }
}

/** Why a run was kept by a bare cleanup, in words. */
export function keptBecause(state: OwnerState, owner: Owner | undefined): string {
  if (state === 'running') return `its dstest (pid ${owner!.pid}) is still running`
  if (!owner) return 'it records no owner (made by an older dstest)'
  return `it was started from host ${owner.host}, whose processes this host cannot see`
}

/** What `dstest cleanup` removes. */
export interface CleanupScope {
  /** Only this run, whatever its owner: the user named it. */
  runId?: string | undefined
  /** Only runs of this test (`--name`): run ids `<test>-<6 hex digits>`. */
  test?: string | undefined
  /** Every run found, running ones included. Without it (and without runId), only runs whose owner is gone. */
  all?: boolean | undefined
}

export interface CleanupResult {
  removed: string[]
  /** Runs a bare cleanup left alone, and why. */
  kept: { runId: string; why: string }[]
}

/** Which of the runs found (run id → owner recorded on them) a cleanup removes, and which it keeps and why. */
export function selectForCleanup(
  runs: ReadonlyMap<string, Owner | undefined>,
  scope: CleanupScope,
  state: (owner: Owner | undefined) => OwnerState = ownerState,
): { remove: string[]; kept: CleanupResult['kept'] } {
  const remove: string[] = []
  const kept: CleanupResult['kept'] = []
  for (const [runId, owner] of runs) {
    if (scope.runId !== undefined) {
      if (runId === scope.runId) remove.push(runId)
      continue
    }
    if (scope.test !== undefined && !isRunOf(runId, scope.test)) continue
    const s = state(owner)
    if (scope.all || s === 'gone') remove.push(runId)
    else kept.push({ runId, why: keptBecause(s, owner) })
  }
  return { remove, kept }
}

/** How much of the test name a run id keeps: run ids name containers, at most 63 characters. */
const RUN_ID_NAME_MAX = 56

/** A run's id: `<test name, at most 56 characters>-<6 hex digits>`. */
export function runIdOf(testName: string, hex6: string): string {
  return `${testName.slice(0, RUN_ID_NAME_MAX)}-${hex6}`
}

/** Whether `runId` is a run of the test `test` (see runIdOf). */
export function isRunOf(runId: string, test: string): boolean {
  const prefix = `${test.slice(0, RUN_ID_NAME_MAX)}-`
  return runId.startsWith(prefix) && /^[0-9a-f]{6}$/.test(runId.slice(prefix.length))
}
