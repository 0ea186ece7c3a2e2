/** Reads a history file of any supported format into dstest ops. */
import { readFileSync, statSync } from 'node:fs'
import { HistoryError } from '../core/errors.js'
import { readHistoryJsonl } from '../core/history/jsonl.js'
import type { Op } from '../core/op.js'

export const HISTORY_FORMATS = ['.jsonl (dstest)', '.edn (Jepsen)', '.json (a JSON array of Jepsen-style ops)'] as const

export async function loadHistoryFile(path: string): Promise<{ history: Op[]; warnings: string[]; format: string }> {
  let size: number
  try {
    size = statSync(path).size
  } catch {
    throw new HistoryError(path, undefined, 'no such file')
  }
  if (path.endsWith('.jsonl')) return { ...(await readHistoryJsonl(path)), format: 'jsonl' }
  // The EDN reader is loaded only for Jepsen files.
  const { importJepsenHistory, importJepsenJson } = await import('../core/history/edn-import.js')
  if (path.endsWith('.edn')) return { history: importJepsenHistory(readFileSync(path, 'utf8'), path), warnings: [], format: 'edn' }
  if (path.endsWith('.json')) return { history: importJepsenJson(readFileSync(path, 'utf8'), path), warnings: [], format: 'json' }
  if (size === 0) return { history: [], warnings: [], format: 'empty' }
  throw new HistoryError(path, undefined, `unknown history format: name it ${HISTORY_FORMATS.join(', ')}`)
}
