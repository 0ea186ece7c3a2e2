/** A store run folder made from a literal history, as `dstest run` leaves one, for the report's tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compose, type Checker } from '../../../checkers/checker.js'
import { linearizable } from '../../../checkers/linearizable.js'
import { stats } from '../../../checkers/stats.js'
import { HistoryWriter } from '../../../core/history/jsonl.js'
import type { Op } from '../../../core/op.js'
import { createRunDir } from '../../../core/store.js'

export interface RunFolder {
  store: string
  path: string
}

/** Writes test.json, history.jsonl, results.json (from the register workload's checkers, or those given) and node logs. */
export async function runFolder(history: readonly Op[], options: { name?: string; logs?: Record<string, string>; spec?: Record<string, unknown>; checkers?: Record<string, Checker> } = {}): Promise<RunFolder> {
  const store = mkdtempSync(join(tmpdir(), 'dstest-report-'))
  const dir = createRunDir(store, options.name ?? 'memory-register')
  dir.writeJson('test', {
    name: options.name ?? 'memory-register',
    seed: 3,
    startedAt: '2026-11-27T19:00:00.000Z',
    seconds: 12.5,
    spec: { target: 'memory', workload: 'register', nemesis: ['partition', 'kill'], concurrency: 10, ...options.spec },
    nodes: ['n1', 'n2', 'n3'].map((name) => ({ name })),
  })
  const w = new HistoryWriter(dir.file('history'))
  for (const op of history) w.append(op)
  w.close()
  const results = await compose(options.checkers ?? { linearizable: linearizable({ model: 'cas-register', independent: true }), stats: stats() }).check([...history], { concurrency: 10, nodes: [] })
  dir.writeJson('results', results)
  for (const [path, text] of Object.entries(options.logs ?? {})) {
    const file = join(dir.path, 'nodes', path)
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, text)
  }
  return { store, path: dir.path }
}

/** Appends ops with consecutive indexes. */
export class HistoryBuilder {
  readonly ops: Op[] = []
  add(timeMs: number, type: Op['type'], process: Op['process'], f: string, value: unknown = null, extra: Partial<Op> = {}): this {
    this.ops.push({ index: this.ops.length, time: Math.round(timeMs * 1e6), type, process, f, value, ...extra })
    return this
  }
}

/**
 * Key 5 is written 1 by client 0, then read as nil by client 1 after the write
 * completed: not linearizable (op 1 must see 1). A partition and a kill overlap
 * around it. Ops on other keys before and after make it a history, not a toy.
 */
export function staleReadHistory(): HistoryBuilder {
  const h = new HistoryBuilder()
  let t = 0
  for (let k = 0; k < 4; k++) {
    h.add((t += 3), 'invoke', 2, 'write', [k, 1]).add((t += 2), 'ok', 2, 'write', [k, 1])
    h.add((t += 3), 'invoke', 3, 'read', [k, null]).add((t += 2), 'ok', 3, 'read', [k, 1])
  }
  h.add(1000, 'invoke', 'nemesis', 'start-partition', { topology: 'halves' })
  h.add(1010, 'ok', 'nemesis', 'start-partition', { topology: 'halves', grudge: { n1: ['n3'], n2: ['n3'], n3: ['n1', 'n2'] } })
  h.add(1500, 'invoke', 'nemesis', 'kill', { nodes: ['n2'] })
  h.add(1520, 'ok', 'nemesis', 'kill', { killed: ['n2'], via: 'target' })
  h.add(2000, 'invoke', 0, 'write', [5, 1]).add(2004, 'ok', 0, 'write', [5, 1])
  h.add(2010, 'invoke', 1, 'read', [5, null]).add(2013, 'ok', 1, 'read', [5, null])
  h.add(3000, 'invoke', 'nemesis', 'stop-partition').add(3005, 'ok', 'nemesis', 'stop-partition', 'network healed')
  h.add(3500, 'invoke', 'nemesis', 'start').add(3900, 'ok', 'nemesis', 'start', { started: ['n2'] })
  t = 4000
  for (let k = 6; k < 9; k++) h.add((t += 3), 'invoke', 2, 'write', [k, 1]).add((t += 2), 'ok', 2, 'write', [k, 1])
  return h
}
