import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { HistoryWriter, readHistoryJsonl } from '../../../core/history/jsonl.js'
import type { Op } from '../../../core/op.js'
import { scanHistory, type ScannedOp } from '../../../report/history-scan.js'

const dir = mkdtempSync(join(tmpdir(), 'dstest-scan-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
function file(text: string): string {
  const path = join(dir, `h${n++}.jsonl`)
  writeFileSync(path, text)
  return path
}

async function scan(path: string, warnings: string[] = []): Promise<Omit<ScannedOp, 'buffer' | 'start' | 'parse' | 'afterF' | 'readValue'>[]> {
  const out: Omit<ScannedOp, 'buffer' | 'start' | 'parse' | 'afterF' | 'readValue'>[] = []
  await scanHistory(path, (op) => void out.push({ index: op.index, time: op.time, type: op.type, process: op.process, f: op.f, value: op.value, offset: op.offset, length: op.length }), (w) => warnings.push(w))
  return out
}

describe('scanHistory', () => {
  it('reads what the history reader reads, from a file the history writer wrote', async () => {
    const path = join(dir, 'written.jsonl')
    const w = new HistoryWriter(path)
    const ops: Op[] = [
      { index: 0, time: 5, type: 'invoke', process: 0, f: 'write', value: [3, 1] },
      { index: 1, time: 17, type: 'invoke', process: 'nemesis', f: 'start-partition', value: { topology: 'one' } },
      { index: 2, time: 90, type: 'ok', process: 0, f: 'write', value: [3, 1], node: 'n1' },
      { index: 3, time: 91, type: 'ok', process: 'nemesis', f: 'start-partition', value: { grudge: { n1: ['n2'] } } },
      { index: 4, time: 1e15, type: 'invoke', process: 12, f: 'dé"jà\\vu', value: { s: 'a}b"c' } },
      { index: 5, time: 1e15 + 1, type: 'info', process: 12, f: 'dé"jà\\vu', value: null, error: 'timeout' },
      { index: 6, time: 1e15 + 2, type: 'invoke', process: 2, f: 'cas', value: [1, [2, 3]] },
      { index: 7, time: 1e15 + 3, type: 'fail', process: 2, f: 'cas', value: [1, [2, 3]] },
    ]
    for (const op of ops) w.append(op)
    w.close()
    const want = (await readHistoryJsonl(path)).history
    const got = await scan(path)
    expect(got.map(({ index, time, type, process, f }) => ({ index, time, type, process, f }))).toEqual(
      want.map(({ index, time, type, process, f }) => ({ index, time, type, process, f })),
    )
    // Nemesis values come with the op; client values are not read.
    expect(got[1]!.value).toEqual({ topology: 'one' })
    expect(got[3]!.value).toEqual({ grudge: { n1: ['n2'] } })
    expect(got[0]!.value).toBeUndefined()
  })

  it('finds the fields in any key order and spacing, and skips blank lines', async () => {
    const path = file(
      '{"f":"read","value":{"nested":[1,{"time":99}]},"process":3,"type":"invoke","time":12}\n' +
        '\n' +
        '  { "time" : 13 , "type" : "ok" , "process" : 3 , "f" : "read" , "value" : 1 }\n' +
        '{"index":7,"time":1.5e3,"type":"fail","process":-1,"f":"x"}\n',
    )
    expect((await scan(path)).map(({ index, time, type, process, f }) => [index, time, type, process, f])).toEqual([
      [0, 12, 'invoke', 3, 'read'],
      [1, 13, 'ok', 3, 'read'],
      [2, 1500, 'fail', -1, 'x'],
    ])
  })

  it('gives each line its place in the file, to read it again later', async () => {
    const lines = ['{"time":1,"type":"invoke","process":0,"f":"a"}', '', '{"time":2,"type":"ok","process":0,"f":"a","value":"é"}']
    const text = lines.join('\n') + '\n'
    const path = file(text)
    const got = await scan(path)
    const bytes = Buffer.from(text)
    expect(got.map((op) => bytes.toString('utf8', op.offset, op.offset + op.length))).toEqual([lines[0], lines[2]])
  })

  it('reads a line longer than its 4 MB block', async () => {
    const big = 'x'.repeat(5 << 20)
    const first = `{"time":1,"type":"invoke","process":0,"f":"w","value":"${big}"}`
    const path = file(`${first}\n{"time":2,"type":"ok","process":0,"f":"w","value":"${big}"}\n`)
    const got = await scan(path)
    expect(got.map((op) => [op.time, op.type, op.offset])).toEqual([
      [1, 'invoke', 0],
      [2, 'ok', first.length + 1],
    ])
  })

  it('refuses a malformed line with its line number, and drops a torn last line with a warning', async () => {
    await expect(scan(file('{"time":1,"type":"invoke","process":0,"f":"a"}\n{"time":2,"type":"ok",\n{"time":3}\n'))).rejects.toThrow(/:2: not valid JSON/)
    await expect(scan(file('{"time":1,"type":"begin","process":0,"f":"a"}\n'))).rejects.toThrow(/:1: "type" must be invoke, ok, fail or info/)
    await expect(scan(file('{"time":"soon","type":"ok","process":0,"f":"a"}\n'))).rejects.toThrow(/:1: "time" must be a number/)
    const warnings: string[] = []
    const got = await scan(file('{"time":1,"type":"invoke","process":0,"f":"a"}\n{"time":2,"type":"ok","proc'), warnings)
    expect(got).toHaveLength(1)
    expect(warnings[0]).toMatch(/:2: ignored a torn last line/)
  })

  it('reads each line\'s value as a whole parse would, from the writer\'s lines and any other layout', async () => {
    const path = join(dir, 'values.jsonl')
    const w = new HistoryWriter(path)
    const values: unknown[] = [0, 7, -12, 123456789012345, 12345678901234567890, 1.5, -0.25, 1e21, '5', 'a,"}b', null, true, [1, [2, '3]']], { a: { b: [] } }, [0, null], undefined]
    values.forEach((value, index) => w.append({ index, time: index, type: index % 2 ? 'ok' : 'invoke', process: 3, f: 'add', value, ...(index % 3 ? { node: 'n1' } : {}) }))
    w.close()
    // Another key order, spaces, and a writer-like line whose value is not JSON (a leading zero).
    const other = file(['{"f":"add","value":[1,2],"time":1,"type":"invoke","process":0}', '{ "index": 1, "time": 2, "type": "ok", "process": 0, "f": "add", "value": -3 }', '{"index":2,"time":3,"type":"ok","process":0,"f":"add","value":07}'].join('\n') + '\n')
    const got: unknown[] = []
    const parsed: unknown[] = []
    for (const p of [path, other]) {
      await scanHistory(p, (op) => {
        let v: unknown
        try {
          v = op.readValue()
        } catch (e) {
          v = `throws ${(e as Error).name}`
        }
        got.push(v)
        let whole: unknown
        try {
          whole = op.parse().value
        } catch (e) {
          whole = `throws ${(e as Error).name}`
        }
        parsed.push(whole)
      })
    }
    expect(got).toEqual(parsed)
    expect(got).toEqual([...values, [1, 2], -3, 'throws SyntaxError'])
  })

  it('stops when the visitor says so', async () => {
    const path = file('{"time":1,"type":"invoke","process":0,"f":"a"}\n'.repeat(10))
    let seen = 0
    const total = await scanHistory(path, () => ++seen < 3)
    expect(seen).toBe(3)
    expect(total).toBe(3)
  })
})
