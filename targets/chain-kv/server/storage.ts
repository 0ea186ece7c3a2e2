/**
 * Durable state of one chain node, in its data folder:
 *
 *   config.json    { epoch, chain, joining }     the newest configuration it adopted, replaced atomically
 *   snapshot.json  { seq, kv }                   the store as of update `seq`, replaced atomically
 *   updates.jsonl  one applied update per line   appended; fsynced before the node forwards or acknowledges
 *
 * A node must hold an update durably before it passes it on or acknowledges it:
 * the chain's guarantee (an acknowledged update is at every member) only survives
 * a crash of every member if every member has it on disk. Lines with seq at or
 * below the snapshot's are kept after compaction while they are still unacknowledged
 * (the paper's Sent list must survive a restart too). A torn last line was never
 * acknowledged and is dropped.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { ChainConfig, Update } from './messages.js'

export interface Recovered {
  config: ChainConfig | null
  snapshot: { seq: number; kv: [string, unknown][] } | null
  /** Every update line on disk, in order (some may be covered by the snapshot). */
  updates: Update[]
}

export class Storage {
  private readonly updatesPath: string
  private fd: number
  private pending: string[] = []
  /** Lines in updates.jsonl (compaction trigger). */
  lines = 0

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true })
    this.updatesPath = join(dir, 'updates.jsonl')
    this.fd = openSync(this.updatesPath, 'a')
  }

  load(): Recovered {
    const config = (readJson(join(this.dir, 'config.json')) as ChainConfig | undefined) ?? null
    const snapshot = (readJson(join(this.dir, 'snapshot.json')) as Recovered['snapshot'] | undefined) ?? null
    const text = existsSync(this.updatesPath) ? readFileSync(this.updatesPath, 'utf8') : ''
    const updates: Update[] = []
    let torn = false
    for (const line of text.split('\n')) {
      if (line === '') continue
      try {
        updates.push(JSON.parse(line) as Update)
      } catch {
        torn = true // only the last line can be torn: everything before it was fsynced
        break
      }
    }
    if (torn) this.rewrite(updates)
    this.lines = updates.length
    return { config, snapshot, updates }
  }

  /** Buffers updates; `flush` makes them durable. */
  append(updates: readonly Update[]): void {
    for (const u of updates) this.pending.push(JSON.stringify(u) + '\n')
  }

  flush(): void {
    if (this.pending.length === 0) return
    writeSync(this.fd, this.pending.join(''))
    this.lines += this.pending.length
    this.pending = []
    fsyncSync(this.fd)
  }

  saveConfig(config: ChainConfig): void {
    writeAtomic(this.dir, 'config.json', JSON.stringify(config))
  }

  /** The store as of `seq`, and the update lines still worth keeping (unacknowledged ones). */
  saveSnapshot(seq: number, kv: [string, unknown][], keep: readonly Update[]): void {
    this.flush()
    writeAtomic(this.dir, 'snapshot.json', JSON.stringify({ seq, kv }))
    this.rewrite(keep)
  }

  close(): void {
    try {
      this.flush()
      closeSync(this.fd)
    } catch {
      // already closed
    }
  }

  private rewrite(updates: readonly Update[]): void {
    closeSync(this.fd)
    writeAtomic(this.dir, 'updates.jsonl', updates.map((u) => JSON.stringify(u) + '\n').join(''))
    this.fd = openSync(this.updatesPath, 'a')
    this.lines = updates.length
  }
}

function readJson(path: string): unknown {
  if (!existsSync(path)) return undefined
  return JSON.parse(readFileSync(path, 'utf8'))
}

/** temp file, fsync, rename, fsync the folder: the old or the new content, never half. */
function writeAtomic(dir: string, name: string, content: string): void {
  const temp = join(dir, `${name}.tmp`)
  const fd = openSync(temp, 'w')
  writeSync(fd, content)
  fsyncSync(fd)
  closeSync(fd)
  renameSync(temp, join(dir, name))
  const dfd = openSync(dir, 'r')
  fsyncSync(dfd)
  closeSync(dfd)
}
