/**
 * Durable state of one node, in its data folder:
 *
 *   meta.json      { term, votedFor }              replaced atomically
 *   snapshot.json  { lastIncludedIndex, lastIncludedTerm, state }   replaced atomically
 *   log.jsonl      one entry per line, appended
 *
 * Raft needs term, votedFor and the log on stable storage before a node answers
 * an RPC or a client (Figure 2), so every write here is fsynced before it
 * returns. The log file is append-only: a conflicting suffix is never erased in
 * place; on replay an entry at index i replaces whatever was held at i and after,
 * which is exactly what the follower did in memory (truncate, then append at i).
 * A torn last line (a crash mid-write) was never acknowledged and is dropped.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { Entry, Snapshot } from './messages.js'

export interface Recovered {
  term: number
  votedFor: string | null
  snapshot: Snapshot | null
  /** Entries after the snapshot, contiguous. */
  entries: Entry[]
}

export interface StorageOptions {
  /** Bug no-vote-persist: votedFor is kept in memory only. */
  persistVote: boolean
  /** Bug no-fsync: acknowledge appends at once and write them out every this many ms. */
  lazyFlushMs?: number
}

export class Storage {
  private readonly logPath: string
  private logFd: number
  private pending: string[] = []
  private readonly lazyTimer: NodeJS.Timeout | undefined

  constructor(
    readonly dir: string,
    private readonly options: StorageOptions,
  ) {
    mkdirSync(dir, { recursive: true })
    this.logPath = join(dir, 'log.jsonl')
    this.logFd = openSync(this.logPath, 'a')
    if (options.lazyFlushMs !== undefined) {
      this.lazyTimer = setInterval(() => this.writePending(), options.lazyFlushMs)
      this.lazyTimer.unref()
    }
  }

  load(): Recovered {
    const meta = readJson(join(this.dir, 'meta.json')) as { term?: number; votedFor?: string | null } | undefined
    const snapshot = (readJson(join(this.dir, 'snapshot.json')) as Snapshot | undefined) ?? null
    const replayed = replayLog(existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8') : '', this.logPath)
    let entries = replayed.entries
    // Later appends must not be glued onto half a line: rewrite the file without it.
    if (replayed.torn) this.rewriteLog(entries)
    const base = snapshot?.lastIncludedIndex ?? 0
    const atBase = entries.find((e) => e.index === base)
    // A log that disagrees with the snapshot at its last index is a stale
    // suffix (the snapshot came from the leader): drop it, as InstallSnapshot does.
    if (snapshot && atBase && atBase.term !== snapshot.lastIncludedTerm) entries = []
    entries = entries.filter((e) => e.index > base)
    if (entries.length > 0 && entries[0]!.index !== base + 1) {
      throw new Error(`${this.logPath}: log starts at entry ${entries[0]!.index} but the snapshot ends at ${base}`)
    }
    return { term: meta?.term ?? 0, votedFor: meta?.votedFor ?? null, snapshot, entries }
  }

  /** Persists currentTerm and votedFor (fsynced) before the caller answers anyone. */
  saveMeta(term: number, votedFor: string | null): void {
    writeAtomically(join(this.dir, 'meta.json'), JSON.stringify({ term, votedFor: this.options.persistVote ? votedFor : null }))
  }

  /** Queues entries for the log file; they are durable after the next `flush()`. */
  append(entries: readonly Entry[]): void {
    for (const e of entries) this.pending.push(JSON.stringify(e) + '\n')
  }

  /** Makes every appended entry durable. Under no-fsync this returns at once and a timer writes later. */
  flush(): void {
    if (this.options.lazyFlushMs !== undefined) return
    this.writePending()
  }

  /**
   * Saves a snapshot, then rewrites the log to hold only `remaining` (the
   * entries after it). Order matters for crash safety: a crash between the two
   * leaves a log whose covered prefix `load` drops.
   */
  saveSnapshot(snapshot: Snapshot, remaining: readonly Entry[]): void {
    this.writePending()
    writeAtomically(join(this.dir, 'snapshot.json'), JSON.stringify(snapshot))
    this.rewriteLog(remaining)
  }

  private rewriteLog(entries: readonly Entry[]): void {
    closeSync(this.logFd)
    writeAtomically(this.logPath, entries.map((e) => JSON.stringify(e) + '\n').join(''))
    this.logFd = openSync(this.logPath, 'a')
  }

  close(): void {
    if (this.lazyTimer) clearInterval(this.lazyTimer)
    // Under no-fsync, pending entries are lost on purpose, as in a crash.
    if (this.options.lazyFlushMs === undefined) this.writePending()
    closeSync(this.logFd)
  }

  private writePending(): void {
    if (this.pending.length === 0) return
    const data = this.pending.join('')
    this.pending = []
    writeSync(this.logFd, data)
    fsyncSync(this.logFd)
  }
}

/** Rebuilds the log from its file: an entry at index i replaces entries at i and after. */
export function replayLog(text: string, file = 'log'): { entries: Entry[]; torn: boolean } {
  const lines = text.split('\n')
  const entries: Entry[] = []
  let torn = false
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!
    if (line === '') continue
    let e: Entry
    try {
      e = JSON.parse(line) as Entry
    } catch (err) {
      if (n === lines.length - 1) {
        torn = true // a torn last line: never acknowledged
        break
      }
      throw new Error(`${file}:${n + 1}: unreadable log entry`, { cause: err })
    }
    while (entries.length > 0 && entries[entries.length - 1]!.index >= e.index) entries.pop()
    const last = entries[entries.length - 1]
    if (last && last.index !== e.index - 1) throw new Error(`${file}:${n + 1}: entry ${e.index} follows entry ${last.index}`)
    entries.push(e)
  }
  return { entries, torn }
}

function readJson(path: string): unknown {
  if (!existsSync(path)) return undefined
  return JSON.parse(readFileSync(path, 'utf8'))
}

/** Write to a temp file, fsync it, rename over the target, fsync the folder. */
function writeAtomically(path: string, data: string): void {
  const temp = `${path}.tmp`
  const fd = openSync(temp, 'w')
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temp, path)
  const dirFd = openSync(join(path, '..'), 'r')
  try {
    fsyncSync(dirFd)
  } finally {
    closeSync(dirFd)
  }
}
