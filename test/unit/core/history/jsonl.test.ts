import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HistoryWriter, readHistoryJsonl, streamHistoryJsonl } from '../../../../core/history/jsonl.js'
import { HistoryError } from '../../../../core/errors.js'
import type { Op } from '../../../../core/op.js'

const tmp = (): string => mkdtempSync(join(tmpdir(), 'dstest-jsonl-'))

function ops(n: number): Op[] {
  const out: Op[] = []
  for (let i = 0; i < n; i++) {
    out.push({ index: 2 * i, time: i * 1000, type: 'invoke', process: i % 3, f: 'write', value: ['k', i] })
    out.push({ index: 2 * i + 1, time: i * 1000 + 500, type: i % 5 === 0 ? 'info' : 'ok', process: i % 3, f: 'write', value: ['k', i], node: 'n1' })
  }
  return out
}

describe('history.jsonl', () => {
  it('round-trips every field of every op', async () => {
    const path = join(tmp(), 'history.jsonl')
    const w = new HistoryWriter(path)
    const original = ops(500)
    for (const op of original) w.append(op)
    w.close()
    const { history, warnings } = await readHistoryJsonl(path)
    expect(warnings).toEqual([])
    expect(history).toEqual(original)
  })

  it('flushes on its own within the flush interval, before close', async () => {
    const path = join(tmp(), 'history.jsonl')
    const w = new HistoryWriter(path, { flushIntervalMs: 50 })
    w.append(ops(1)[0]!)
    expect(readFileSync(path, 'utf8')).toBe('')
    await new Promise((r) => setTimeout(r, 150))
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(1)
    w.close()
    w.close() // idempotent
  })

  it('ignores a torn last line with a warning and keeps everything before it', async () => {
    const path = join(tmp(), 'history.jsonl')
    const w = new HistoryWriter(path)
    for (const op of ops(10)) w.append(op)
    w.close()
    appendFileSync(path, '{"index":20,"time":99,"type":"inv')
    const { history, warnings } = await readHistoryJsonl(path)
    expect(history).toHaveLength(20)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/:21: ignored a torn last line/)
  })

  it('reports a malformed line in the middle with its line number', async () => {
    const path = join(tmp(), 'history.jsonl')
    const [a, b, c] = ops(2).map((op) => JSON.stringify(op))
    writeFileSync(path, `${a}\n${b}\nnot json at all\n${c}\n`)
    const err = await readHistoryJsonl(path).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HistoryError)
    expect((err as HistoryError).line).toBe(3)
    expect((err as HistoryError).exitCode).toBe(3)
  })

  it('rejects a line that is JSON but not an op, naming the field', async () => {
    const path = join(tmp(), 'history.jsonl')
    writeFileSync(path, `{"time":1,"type":"started","process":0,"f":"read"}\n{}\n`)
    const err = (await readHistoryJsonl(path).catch((e: unknown) => e)) as HistoryError
    expect(err.line).toBe(1)
    expect(err.message).toMatch(/"type" must be invoke, ok, fail or info/)
  })

  it('reads lines split across read chunks (a file larger than one chunk)', async () => {
    const path = join(tmp(), 'history.jsonl')
    const w = new HistoryWriter(path)
    const original = ops(20_000) // ~3 MB, several 1 MiB chunks
    for (const op of original) w.append(op)
    w.close()
    const { history } = await readHistoryJsonl(path)
    expect(history.length).toBe(original.length)
    expect(history[history.length - 1]).toEqual(original[original.length - 1])
  })

  it('renumbers index by file order and accepts blank lines', async () => {
    const path = join(tmp(), 'history.jsonl')
    writeFileSync(path, `{"index":7,"time":1,"type":"invoke","process":"nemesis","f":"start-partition","value":null}\n\n{"index":9,"time":2,"type":"info","process":"nemesis","f":"start-partition","value":"halves"}\n`)
    const { history } = await readHistoryJsonl(path)
    expect(history.map((o) => o.index)).toEqual([0, 1])
    expect(history[1]!.process).toBe('nemesis')
  })

  it('says so when the file does not exist', async () => {
    const err = (await readHistoryJsonl('/nonexistent/history.jsonl').catch((e: unknown) => e)) as HistoryError
    expect(err).toBeInstanceOf(HistoryError)
    expect(err.message).toMatch(/no such file/)
  })
})

describe('streamHistoryJsonl', () => {
  it('yields the same ops as readHistoryJsonl, in blocks, without holding the file', async () => {
    const path = join(tmp(), 'history.jsonl')
    const w = new HistoryWriter(path)
    const original = ops(60_000) // about 8 MB: more than one read block
    for (const op of original) w.append(op)
    w.close()
    const blocks: Op[][] = []
    for await (const block of streamHistoryJsonl(path)) blocks.push(block)
    expect(blocks.length).toBeGreaterThan(1)
    expect(blocks.flat()).toEqual(original)
  })
})
