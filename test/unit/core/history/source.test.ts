import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HistoryWriter, readHistoryJsonl } from '../../../../core/history/jsonl.js'
import { HistoryPositions } from '../../../../core/history/positions.js'
import { historyFile, historyOfOps, readAllOps, type HistorySource, type PositionRange } from '../../../../core/history/source.js'
import type { Op } from '../../../../core/op.js'
import { Random } from '../../../../core/random.js'

const tmp = (): string => join(mkdtempSync(join(tmpdir(), 'dstest-source-')), 'history.jsonl')

/** n client ops (2n history ops) with values of varied length, some not ASCII. */
function ops(n: number, random = new Random(3)): Op[] {
  const out: Op[] = []
  for (let i = 0; i < n; i++) {
    const p = i % 7
    const text = random.bool(0.1) ? 'é—🙂'.repeat(random.int(4)) : 'x'.repeat(random.int(30))
    out.push({ index: 2 * i, time: i * 1000, type: 'invoke', process: p, f: 'write', value: [i % 13, text] })
    out.push({ index: 2 * i + 1, time: i * 1000 + 500, type: 'ok', process: p, f: 'write', value: [i % 13, text], node: 'n1' })
  }
  return out
}

function written(history: readonly Op[], positions?: HistoryPositions): string {
  const path = tmp()
  const w = new HistoryWriter(path, positions ? { positions } : {})
  for (const op of history) w.append(op)
  w.close()
  return path
}

async function collect(blocks: AsyncIterable<readonly Op[]>): Promise<Op[]> {
  const out: Op[] = []
  for await (const b of blocks) out.push(...b)
  return out
}

/** What `ranges` must give: the ops at those positions. */
const expected = (history: readonly Op[], ranges: readonly PositionRange[]): Op[] => ranges.flatMap(([from, to]) => history.slice(from, to + 1))

function randomRanges(random: Random, length: number): PositionRange[] {
  const cuts = Array.from({ length: 2 * (1 + random.int(6)) }, () => random.int(length + 50)).sort((a, b) => a - b)
  const out: PositionRange[] = []
  for (let i = 0; i < cuts.length; i += 2) if (i === 0 || cuts[i]! > out[out.length - 1]![1]) out.push([cuts[i]!, cuts[i + 1]!])
  return out
}

describe('history sources', () => {
  it('reads a file whole, pass after pass, as readHistoryJsonl does', async () => {
    const history = ops(3000)
    const path = written(history)
    const source = historyFile(path)
    const first = await readAllOps(source)
    expect(first).toEqual((await readHistoryJsonl(path)).history)
    expect(await readAllOps(source)).toEqual(first)
  })

  it('reads ranges of positions, from the positions the writer noted or from its own pass', async () => {
    const history = ops(6000)
    const noted = new HistoryPositions()
    const path = written(history, noted)
    const fromWriter = historyFile(path, { positions: noted })
    const fromPass = historyFile(path)
    await readAllOps(fromPass)
    const unread = historyFile(path) // no positions at all: reads from the start
    const random = new Random(9)
    for (let i = 0; i < 25; i++) {
      const ranges = randomRanges(random, history.length)
      const want = expected(history, ranges)
      expect(await collect(fromWriter.ranges(ranges))).toEqual(want)
      expect(await collect(fromPass.ranges(ranges))).toEqual(want)
      if (i < 5) expect(await collect(unread.ranges(ranges))).toEqual(want)
    }
  })

  it('notes the same positions writing as reading, multi-byte characters included', async () => {
    const history = ops(5000)
    const noted = new HistoryPositions()
    const path = written(history, noted)
    const read = new HistoryPositions()
    await readAllOps(historyFile(path, { positions: read }))
    for (let p = 0; p < history.length; p += 517) expect(read.before(p)).toEqual(noted.before(p))
    expect(noted.before(history.length - 1).position).toBe(Math.floor((history.length - 1) / HistoryPositions.SPACING) * HistoryPositions.SPACING)
  })

  it('skips blank lines and a torn last line in ranges as the full pass does', async () => {
    const history = ops(1500)
    const path = tmp()
    writeFileSync(path, history.map((op, i) => JSON.stringify(op) + (i % 97 === 0 ? '\n\n  \n' : '\n')).join(''))
    appendFileSync(path, '{"index":3000,"time":1,"ty')
    const warnings: string[] = []
    const source = historyFile(path, { onWarning: (w) => warnings.push(w) })
    expect(await readAllOps(source)).toEqual(history)
    await readAllOps(source)
    expect(warnings).toHaveLength(1) // once, however many passes
    const ranges: PositionRange[] = [
      [0, 5],
      [96, 300],
      [2990, 3100],
    ]
    expect(await collect(source.ranges(ranges))).toEqual(expected(history, ranges))
  })

  it('gives an array as a source with the same contract (index = position)', async () => {
    const history = ops(20000).map((op) => ({ ...op, index: op.index + 5 }))
    const source: HistorySource = historyOfOps(history)
    const all = await readAllOps(source)
    expect(all.map((op) => op.index)).toEqual(history.map((_, i) => i))
    expect(await collect(source.ranges([[10, 20], [39_990, 40_100]]))).toEqual([...all.slice(10, 21), ...all.slice(39_990)])
  })
})
