import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { HistoryWriter } from '../../../core/history/jsonl.js'
import { createRunDir } from '../../../core/store.js'
import { writeReport } from '../../../run/report-writer.js'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('writeReport', () => {
  // Before the report was built from bounded summaries, a plot spread every
  // point into Math.max(...) and report.html went missing past ~125,000
  // completed operations.
  it('writes report.html for a 200,000-operation history, and keeps it small', async () => {
    const store = mkdtempSync(join(tmpdir(), 'dstest-big-report-'))
    dirs.push(store)
    const dir = createRunDir(store, 'big')
    dir.writeJson('test', { name: 'big', seed: 1, spec: { target: 'memory', workload: 'register', nemesis: ['none'] } })
    dir.writeJson('results', { valid: true, summary: 'all 1 checker(s) valid', checkers: { stats: { valid: true, summary: 'ok' } } })
    const w = new HistoryWriter(dir.file('history'))
    let index = 0
    for (let i = 0; i < 200_000; i++) {
      const p = i % 10
      const t = i * 100_000 // one operation every 0.1 ms, each taking 50 µs to 5 ms
      w.append({ index: index++, time: t, type: 'invoke', process: p, f: i % 3 ? 'read' : 'write', value: [i >> 8, i % 3 ? null : i] })
      w.append({ index: index++, time: t + 50_000 + ((i * 7919) % 100) * 50_000, type: i % 50 ? 'ok' : 'fail', process: p, f: i % 3 ? 'read' : 'write', value: [i >> 8, i] })
    }
    w.close()
    const path = await writeReport(dir.path)
    const html = readFileSync(path, 'utf8')
    expect(html).toContain('200,000 invoked: 196,000 ok, 4,000 fail, 0 info')
    expect(html).toContain('<svg class="timeline"')
    expect(statSync(path).size).toBeLessThan(600_000)
  }, 60_000)
})
