/** A history file of any supported format as a source of dstest ops. */
import { readFileSync, statSync } from 'node:fs'
import { HistoryError } from '../core/errors.js'
import { historyFile, historyOfOps, type HistorySource } from '../core/history/source.js'

export const HISTORY_FORMATS = ['.jsonl (dstest)', '.edn (Jepsen)', '.json (a JSON array of Jepsen-style ops)'] as const

/**
 * A .jsonl file is read from disk on every pass (validated then), so it may be
 * of any length; a Jepsen .edn or .json file is imported whole (and refused
 * here if malformed).
 */
export async function openHistoryFile(path: string, onWarning: (w: string) => void): Promise<{ format: string; source: HistorySource }> {
  let size: number
  try {
    size = statSync(path).size
  } catch {
    throw new HistoryError(path, undefined, 'no such file')
  }
  if (path.endsWith('.jsonl')) return { format: 'jsonl', source: historyFile(path, { onWarning }) }
  // The EDN reader is loaded only for Jepsen files.
  const { importJepsenHistory, importJepsenJson } = await import('../core/history/edn-import.js')
  if (path.endsWith('.edn')) return { format: 'edn', source: historyOfOps(importJepsenHistory(readFileSync(path, 'utf8'), path)) }
  if (path.endsWith('.json')) return { format: 'json', source: historyOfOps(importJepsenJson(readFileSync(path, 'utf8'), path)) }
  if (size === 0) return { format: 'empty', source: historyOfOps([]) }
  throw new HistoryError(path, undefined, `unknown history format: name it ${HISTORY_FORMATS.join(', ')}`)
}
