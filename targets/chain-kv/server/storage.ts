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
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AppendFile, parseJsonLines, readJsonFile, writeAtomically } from '../../server-kit/durable-file.js'
import type { ChainConfig, Update } from './messages.js'

export interface Recovered {
  config: ChainConfig | null
  snapshot: { seq: number; kv: [string, unknown][] } | null
  /** Every update line on disk, in order (some may be covered by the snapshot). */
  updates: Update[]
}

export class Storage {
  private readonly updates: AppendFile
  /** Lines in updates.jsonl (compaction trigger). */
  lines = 0

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true })
    this.updates = new AppendFile(join(dir, 'updates.jsonl'))
  }

  load(): Recovered {
    const config = (readJsonFile(join(this.dir, 'config.json')) as ChainConfig | undefined) ?? null
    const snapshot = (readJsonFile(join(this.dir, 'snapshot.json')) as Recovered['snapshot'] | undefined) ?? null
    const { values, torn } = parseJsonLines(this.updates.read(), this.updates.path)
    const updates = values as Update[]
    if (torn) this.updates.replace(lines(updates))
    this.lines = updates.length
    return { config, snapshot, updates }
  }

  /** Writes updates to the file; `flush` makes them durable. */
  append(updates: readonly Update[]): void {
    this.updates.write(lines(updates))
    this.lines += updates.length
  }

  flush(): void {
    this.updates.sync()
  }

  saveConfig(config: ChainConfig): void {
    writeAtomically(join(this.dir, 'config.json'), JSON.stringify(config))
  }

  /** The store as of `seq`, and the update lines still worth keeping (unacknowledged ones). */
  saveSnapshot(seq: number, kv: [string, unknown][], keep: readonly Update[]): void {
    writeAtomically(join(this.dir, 'snapshot.json'), JSON.stringify({ seq, kv }))
    this.updates.replace(lines(keep))
    this.lines = keep.length
  }

  close(): void {
    try {
      this.flush()
      this.updates.close()
    } catch {
      // already closed
    }
  }
}

const lines = (updates: readonly Update[]): string => updates.map((u) => JSON.stringify(u) + '\n').join('')
