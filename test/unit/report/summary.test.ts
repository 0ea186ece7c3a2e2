import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { HistoryWriter } from '../../../core/history/jsonl.js'
import type { Op } from '../../../core/op.js'
import { failedShare, summarizeHistory, summarizeOps } from '../../../report/summary.js'

const dirs: string[] = []
const made = (d: string): string => (dirs.push(d), d)
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const MS = 1e6
function history(): Op[] {
  const ops: Op[] = []
  const add = (time: number, type: Op['type'], process: Op['process'], f: string, value: unknown = null): void => void ops.push({ index: ops.length, time, type, process, f, value })
  add(0, 'invoke', 0, 'write', [1, 1])
  add(1 * MS, 'invoke', 1, 'read', [1, null])
  add(2 * MS, 'ok', 1, 'read', [1, 1])
  add(3 * MS, 'invoke', 'nemesis', 'start-partition', { topology: 'one' })
  add(4 * MS, 'ok', 0, 'write', [1, 1])
  add(5 * MS, 'ok', 'nemesis', 'start-partition', { topology: 'one', grudge: { n1: ['n2'], n2: ['n1'] } })
  add(6 * MS, 'invoke', 2, 'cas', [1, [1, 2]])
  add(16 * MS, 'fail', 2, 'cas', [1, [1, 2]])
  add(17 * MS, 'invoke', 3, 'write', [1, 3])
  add(5017 * MS, 'info', 3, 'write', [1, 3])
  add(5020 * MS, 'invoke', 0, 'read', [1, null])
  return ops
}

describe('history summary', () => {
  it('counts client operations by outcome and by f, pairs latencies, and keeps fault windows', () => {
    const s = summarizeOps(history())
    expect(s.lines).toBe(11)
    expect(s.clientOps).toEqual({ invoked: 5, ok: 2, fail: 1, info: 1, open: 1 })
    expect(s.byF).toEqual({
      read: { ok: 1, fail: 0, info: 0, open: 1 },
      write: { ok: 1, fail: 0, info: 1, open: 0 },
      cas: { ok: 0, fail: 1, info: 0, open: 0 },
    })
    expect(s.latency.ok.count).toBe(2)
    expect(s.latency.ok.max).toBe(4)
    expect(s.latency.info.max).toBe(5000)
    expect(s.faults.map((f) => [f.kind, f.label, f.open])).toEqual([['partition', 'one: n1 | n2', true]])
    expect(s.endSeconds).toBeCloseTo(5.02)
    expect(failedShare(s)).toBe(0.5)
  })

  it('reads the same summary from the file as from memory', async () => {
    const path = join(made(mkdtempSync(join(tmpdir(), 'dstest-summary-'))), 'history.jsonl')
    const w = new HistoryWriter(path)
    for (const op of history()) w.append(op)
    w.close()
    const fromFile = await summarizeHistory(path)
    const fromMemory = summarizeOps(history())
    expect(fromFile.clientOps).toEqual(fromMemory.clientOps)
    expect(fromFile.byF).toEqual(fromMemory.byF)
    expect(fromFile.faults).toEqual(fromMemory.faults)
    expect(fromFile.timeline.buckets.length).toBe(fromMemory.timeline.buckets.length)
  })

  it('says nothing failed when nothing completed', () => {
    expect(failedShare(summarizeOps([]))).toBe(0)
  })
})
