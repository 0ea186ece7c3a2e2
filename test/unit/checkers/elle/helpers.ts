/** Small literal histories for the checker's tests. */
import { readFileSync } from 'node:fs'
import { importJepsenHistory, importJepsenJson } from '../../../../core/history/edn-import.js'
import type { Op, OpType } from '../../../../core/op.js'

export type Mop = [string, unknown, unknown]

/** The invocation's value: reads not yet known. */
const invokeValue = (mops: Mop[]): Mop[] => mops.map(([f, k, v]) => [f, k, f === 'r' ? null : v])

/**
 * A history from events in order: `[process, 'invoke' | type, mops]`. An
 * invoke's reads are written as null whatever is given; a completion carries
 * the mops as completed.
 */
export function events(...list: [number, OpType, Mop[]][]): Op[] {
  return list.map(([process, type, mops], index) => ({
    index,
    time: index,
    type,
    process,
    f: 'txn',
    value: type === 'invoke' ? invokeValue(mops) : mops,
  }))
}

/** Transactions one after another (each completes before the next begins): [process, mops, type?]. */
export function serial(...txns: [number, Mop[], OpType?][]): Op[] {
  return events(...txns.flatMap(([p, mops, type]): [number, OpType, Mop[]][] => [
    [p, 'invoke', mops],
    [p, type ?? 'ok', type === 'fail' || type === 'info' ? invokeValue(mops) : mops],
  ]))
}

/** Transactions that all overlap: every invocation, then every completion. */
export function concurrent(...txns: [number, Mop[], OpType?][]): Op[] {
  return events(
    ...txns.map(([p, mops]): [number, OpType, Mop[]] => [p, 'invoke', mops]),
    ...txns.map(([p, mops, type]): [number, OpType, Mop[]] => [p, type ?? 'ok', type === 'fail' || type === 'info' ? invokeValue(mops) : mops]),
  )
}

const FIXTURES = new URL('../../../fixtures/elle/', import.meta.url).pathname

export function fixture(path: string): Op[] {
  const text = readFileSync(FIXTURES + path, 'utf8')
  return path.endsWith('.json') ? importJepsenJson(text, path) : importJepsenHistory(text, path)
}
