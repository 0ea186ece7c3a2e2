/**
 * The operations a section shows in full (the anomaly's window), gathered
 * during the report's one pass over the history and nothing else kept. A
 * wanted invocation brings its completion, and a wanted completion its
 * invocation (read again from its place in the file afterwards), so every
 * operation comes whole.
 */
import { open } from 'node:fs/promises'
import type { Op } from '../core/op.js'
import { scanHistory, type ScannedOp } from './history-scan.js'

/** More than any view draws: past this many lines a section's window is cut short. */
export const MAX_WINDOW_OPS = 20_000

interface Place {
  index: number
  offset: number
  length: number
}

export class WindowCollector {
  private readonly kept = new Map<number, Op>()
  /** Each process's last invocation, by place in the file (one reused record per process): read again only if its completion is wanted. */
  private readonly openInvoke = new Map<number | 'nemesis', Place>()
  private readonly completionWanted = new Set<number | 'nemesis'>()
  private readonly later: Place[] = []
  private readonly last: number

  constructor(private readonly wanted: ReadonlySet<number>) {
    let last = -1
    for (const i of wanted) if (i > last) last = i
    this.last = last
  }

  /** Whether it still needs lines: past the last wanted one and its completion, it does not. */
  get done(): boolean {
    return this.kept.size + this.later.length >= MAX_WINDOW_OPS || (this.lastSeen > this.last && this.completionWanted.size === 0)
  }

  private lastSeen = -1

  visit(op: ScannedOp): void {
    this.lastSeen = op.index
    if (this.done) return
    if (op.type === 'invoke') {
      // Only each process's last invocation is remembered, and only by its place.
      const place = this.openInvoke.get(op.process)
      if (place) {
        place.index = op.index
        place.offset = op.offset
        place.length = op.length
      } else this.openInvoke.set(op.process, { index: op.index, offset: op.offset, length: op.length })
      if (this.wanted.has(op.index)) {
        this.keep(op)
        this.completionWanted.add(op.process)
      }
      return
    }
    const invoke = this.openInvoke.get(op.process)
    if (this.completionWanted.delete(op.process)) this.keep(op)
    else if (this.wanted.has(op.index)) {
      this.keep(op)
      if (invoke && !this.kept.has(invoke.index)) this.later.push({ ...invoke })
    }
  }

  private keep(op: ScannedOp): void {
    this.kept.set(op.index, { ...op.parse(), index: op.index })
  }

  /** The operations, in history order, once the pass is over (`path`: to read the invocations found late). */
  async finish(path: string): Promise<Op[]> {
    if (this.later.length > 0) {
      const file = await open(path, 'r')
      try {
        for (const at of this.later) {
          const buffer = Buffer.alloc(at.length)
          await file.read(buffer, 0, at.length, at.offset)
          this.kept.set(at.index, { ...(JSON.parse(buffer.toString('utf8')) as Op), index: at.index })
        }
      } finally {
        await file.close()
      }
    }
    return [...this.kept.values()].sort((a, b) => a.index - b.index)
  }
}

/** The lines at the wanted history indexes, with their partners, in history order: a pass of its own. */
export async function readWindow(path: string, wanted: ReadonlySet<number>): Promise<Op[]> {
  if (wanted.size === 0) return []
  const collector = new WindowCollector(wanted)
  await scanHistory(path, (op) => {
    collector.visit(op)
    return !collector.done
  })
  return collector.finish(path)
}
