/**
 * The report's second pass: the few operations a section shows in full (the
 * anomaly's window), read from the history file and nothing else kept. A
 * wanted invocation brings its completion, and a wanted completion its
 * invocation, so every operation comes whole.
 */
import { open } from 'node:fs/promises'
import type { Op } from '../core/op.js'
import { scanHistory } from './history-scan.js'

/** More than any view draws: past this many lines a section's window is cut short. */
export const MAX_WINDOW_OPS = 20_000

/** The lines at the wanted history indexes, with their partners, in history order. */
export async function readWindow(path: string, wanted: ReadonlySet<number>): Promise<Op[]> {
  if (wanted.size === 0) return []
  const kept = new Map<number, Op>()
  // Each process's open invocation, by place in the file: read again only if its completion is wanted.
  const openInvoke = new Map<number | 'nemesis', { index: number; offset: number; length: number }>()
  const completionWanted = new Set<number | 'nemesis'>()
  const later: { index: number; offset: number; length: number }[] = []
  let last = -1
  for (const i of wanted) if (i > last) last = i
  await scanHistory(path, (op) => {
    if (kept.size + later.length >= MAX_WINDOW_OPS) return false
    if (op.index > last && completionWanted.size === 0) return false
    const keep = (): void => {
      kept.set(op.index, { ...op.parse(), index: op.index })
    }
    if (op.type === 'invoke') {
      openInvoke.set(op.process, { index: op.index, offset: op.offset, length: op.length })
      if (wanted.has(op.index)) {
        keep()
        completionWanted.add(op.process)
      }
      return
    }
    const invoke = openInvoke.get(op.process)
    openInvoke.delete(op.process)
    if (completionWanted.delete(op.process)) keep()
    else if (wanted.has(op.index)) {
      keep()
      if (invoke && !kept.has(invoke.index)) later.push(invoke)
    }
    return
  })
  if (later.length > 0) {
    const file = await open(path, 'r')
    try {
      for (const at of later) {
        const buffer = Buffer.alloc(at.length)
        await file.read(buffer, 0, at.length, at.offset)
        kept.set(at.index, { ...(JSON.parse(buffer.toString('utf8')) as Op), index: at.index })
      }
    } finally {
      await file.close()
    }
  }
  return [...kept.values()].sort((a, b) => a.index - b.index)
}
