/**
 * Durable state of one Raft server, in its data folder:
 *
 *   meta.json      { term, votedFor }              replaced atomically
 *   snapshot.json  { lastIncludedIndex, lastIncludedTerm, state }   replaced atomically
 *   log.jsonl      one entry per line, appended
 *
 * Raft needs term, votedFor and the log on stable storage before a server
 * answers an RPC or a client (Figure 2): entries are written to the file as
 * they are appended (so a full disk fails the request that appended them) and
 * fsynced by `flush` before anyone is told. The log file is append-only: a
 * conflicting suffix is never erased in place; on replay an entry at index i
 * replaces whatever was held at i and after, which is exactly what the
 * follower did in memory (truncate, then append at i). A torn last line (a
 * crash mid-write) was never acknowledged and is dropped.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AppendFile, parseJsonLines, readJsonFile, writeAtomically } from '../durable-file.js'
import type { Entry, Snapshot } from './messages.js'

export interface Recovered<C> {
  term: number
  votedFor: string | null
  snapshot: Snapshot | null
  /** Entries after the snapshot, contiguous. */
  entries: Entry<C>[]
}

/**
 * The two ways a server can be told to break its durability promises, for
 * deliberate bug modes of an application (raft-kv's no-vote-persist and
 * no-fsync). A correct server has `{ persistVote: true }`.
 */
export interface StorageOptions {
  /** False: votedFor is kept in memory only, so a restarted server may vote twice in one term. */
  persistVote: boolean
  /** Set: appends are acknowledged at once, kept in memory and written out (and fsynced) every this many ms. */
  lazyFlushMs?: number
}

export class RaftStorage<C> {
  private readonly log: AppendFile
  /** Entries not written yet (lazy flush only). */
  private pending: string[] = []
  private readonly lazyTimer: NodeJS.Timeout | undefined

  constructor(
    readonly dir: string,
    private readonly options: StorageOptions,
  ) {
    mkdirSync(dir, { recursive: true })
    this.log = new AppendFile(join(dir, 'log.jsonl'))
    if (options.lazyFlushMs !== undefined) {
      this.lazyTimer = setInterval(() => this.writePending(), options.lazyFlushMs)
      this.lazyTimer.unref()
    }
  }

  load(): Recovered<C> {
    const meta = readJsonFile(join(this.dir, 'meta.json')) as { term?: number; votedFor?: string | null } | undefined
    const snapshot = (readJsonFile(join(this.dir, 'snapshot.json')) as Snapshot | undefined) ?? null
    const replayed = replayLog<C>(this.log.read(), this.log.path)
    let entries = replayed.entries
    // Later appends must not be glued onto half a line: rewrite the file without it.
    if (replayed.torn) this.log.replace(lines(entries))
    const base = snapshot?.lastIncludedIndex ?? 0
    const atBase = entries.find((e) => e.index === base)
    // A log that disagrees with the snapshot at its last index is a stale
    // suffix (the snapshot came from the leader): drop it, as InstallSnapshot does.
    if (snapshot && atBase && atBase.term !== snapshot.lastIncludedTerm) entries = []
    entries = entries.filter((e) => e.index > base)
    if (entries.length > 0 && entries[0]!.index !== base + 1) {
      throw new Error(`${this.log.path}: log starts at entry ${entries[0]!.index} but the snapshot ends at ${base}`)
    }
    return { term: meta?.term ?? 0, votedFor: meta?.votedFor ?? null, snapshot, entries }
  }

  /** Persists currentTerm and votedFor (fsynced) before the caller answers anyone. */
  saveMeta(term: number, votedFor: string | null): void {
    writeAtomically(join(this.dir, 'meta.json'), JSON.stringify({ term, votedFor: this.options.persistVote ? votedFor : null }))
  }

  /** Writes entries to the log file; they are durable after the next `flush()`. */
  append(entries: readonly Entry<C>[]): void {
    if (this.options.lazyFlushMs !== undefined) this.pending.push(lines(entries))
    else this.log.write(lines(entries))
  }

  /** Makes every appended entry durable. Under a lazy flush this returns at once and a timer writes later. */
  flush(): void {
    if (this.options.lazyFlushMs === undefined) this.log.sync()
  }

  /**
   * Saves a snapshot, then rewrites the log to hold only `remaining` (the
   * entries after it). Order matters for crash safety: a crash between the two
   * leaves a log whose covered prefix `load` drops.
   */
  saveSnapshot(snapshot: Snapshot, remaining: readonly Entry<C>[]): void {
    this.writePending()
    writeAtomically(join(this.dir, 'snapshot.json'), JSON.stringify(snapshot))
    this.log.replace(lines(remaining))
  }

  close(): void {
    if (this.lazyTimer) clearInterval(this.lazyTimer)
    // Under a lazy flush, pending entries are lost on purpose, as in a crash.
    if (this.options.lazyFlushMs === undefined) this.log.sync()
    this.log.close()
  }

  private writePending(): void {
    if (this.pending.length === 0) return
    const data = this.pending.join('')
    this.pending = []
    this.log.write(data)
    this.log.sync()
  }
}

const lines = (entries: readonly Entry<unknown>[]): string => entries.map((e) => JSON.stringify(e) + '\n').join('')

/** Rebuilds the log from its file: an entry at index i replaces entries at i and after. */
export function replayLog<C>(text: string, file = 'log'): { entries: Entry<C>[]; torn: boolean } {
  const { values, torn } = parseJsonLines(text, file)
  const entries: Entry<C>[] = []
  for (const [n, value] of values.entries()) {
    const e = value as Entry<C>
    while (entries.length > 0 && entries[entries.length - 1]!.index >= e.index) entries.pop()
    const last = entries[entries.length - 1]
    if (last && last.index !== e.index - 1) throw new Error(`${file}:${n + 1}: entry ${e.index} follows entry ${last.index}`)
    entries.push(e)
  }
  return { entries, torn }
}
