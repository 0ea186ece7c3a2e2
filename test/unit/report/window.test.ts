import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { HistoryWriter } from '../../../core/history/jsonl.js'
import type { Op } from '../../../core/op.js'
import { readWindow } from '../../../report/window.js'

const dirs: string[] = []
const made = (d: string): string => (dirs.push(d), d)
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

function write(ops: Op[]): string {
  const path = join(made(mkdtempSync(join(tmpdir(), 'dstest-window-'))), 'history.jsonl')
  const w = new HistoryWriter(path)
  for (const op of ops) w.append(op)
  w.close()
  return path
}

// Three processes, each invoking and completing in turn: p0 at 0/3, p1 at 1/4, p2 at 2/5, then again.
const ops: Op[] = []
for (let round = 0; round < 3; round++) {
  for (let p = 0; p < 3; p++) ops.push({ index: ops.length, time: ops.length, type: 'invoke', process: p, f: 'write', value: [round, p] })
  for (let p = 0; p < 3; p++) ops.push({ index: ops.length, time: ops.length, type: p === 1 ? 'info' : 'ok', process: p, f: 'write', value: [round, p], node: 'n1' })
}

describe('readWindow', () => {
  it('brings a wanted invocation with its completion, whole and in history order', async () => {
    const got = await readWindow(write(ops), new Set([7]))
    expect(got).toEqual([ops[7], ops[10]])
  })

  it('brings a wanted completion with its invocation, read again from its place in the file', async () => {
    const got = await readWindow(write(ops), new Set([15, 2]))
    expect(got.map((o) => o.index)).toEqual([2, 5, 12, 15])
    expect(got[2]).toEqual(ops[12])
  })

  it('reads nothing when nothing is wanted', async () => {
    expect(await readWindow(write(ops), new Set())).toEqual([])
  })
})
