// Every Porcupine test history gives the verdict Porcupine's own tests assert
// (see test/fixtures/README.md).
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkEventsSync, models, parseEtcdLog, parseKvLog } from '../../../../checkers/linearizability/index.js'

const DATA = new URL('../../../fixtures/porcupine/', import.meta.url).pathname
const LINEARIZABLE = new Set([2, 5, 7, 18, 25, 31, 38, 45, 48, 49, 51, 53, 56, 67, 75, 76, 80, 87, 92, 98, 100, 101, 102])

describe('Porcupine etcd logs with the cas-register model', () => {
  const files = readdirSync(`${DATA}jepsen`).filter((f) => f.endsWith('.log')).sort()

  it('has all 103 logs', () => {
    expect(files).toHaveLength(103)
  })

  for (const file of files) {
    const n = Number(file.slice(5, 8))
    const expected = n === 95 || LINEARIZABLE.has(n) ? 'ok' : 'illegal'
    it(`${file} is ${expected}`, () => {
      const text = readFileSync(`${DATA}jepsen/${file}`, 'utf8')
      const closed = checkEventsSync(models['cas-register'](), parseEtcdLog(text))
      expect(closed.result).toBe(expected)
      // Leaving timed-out operations open (may or may not have happened) must agree.
      const open = checkEventsSync(models['cas-register'](), parseEtcdLog(text, { openAtEnd: 'pending' }))
      expect(open.result).toBe(expected)
    })
  }

  it('parses the totals the README gives', () => {
    let ops = 0
    let okRead = 0
    for (const file of files) {
      const events = parseEtcdLog(readFileSync(`${DATA}jepsen/${file}`, 'utf8'))
      const calls = new Map<number, { f: string }>()
      for (const e of events) {
        if (e.kind === 'call') {
          ops++
          calls.set(e.id, e.value as { f: string })
        } else if (calls.get(e.id)!.f === 'read' && e.value !== undefined) okRead++
      }
    }
    expect(ops).toBe(8523)
    expect(okRead).toBe(2922)
  })
})

describe('Porcupine kv logs, partitioned by key and unpartitioned', () => {
  const cases = [
    ['c01-ok', 'ok'],
    ['c01-bad', 'illegal'],
    ['c10-ok', 'ok'],
    ['c10-bad', 'illegal'],
    ['c50-ok', 'ok'],
    ['c50-bad', 'illegal'],
  ] as const
  for (const [name, expected] of cases) {
    const events = () => parseKvLog(readFileSync(`${DATA}kv/${name}.txt`, 'utf8'))
    it(`${name} is ${expected} with kv (by key)`, () => {
      expect(checkEventsSync(models.kv(), events()).result).toBe(expected)
    })
    // c50 as one partition is out of reach for Porcupine too (no figure upstream).
    const outOfReach = name.startsWith('c50') ? ' (skipped: 50 clients as one partition is out of reach, as it is for Porcupine)' : ''
    it.skipIf(outOfReach !== '')(`${name} is ${expected} with kv-unpartitioned${outOfReach}`, () => {
      const r = checkEventsSync(models['kv-unpartitioned'](), events())
      expect(r.result).toBe(expected)
      expect(r.stats.partitions).toBe(1)
    })
  }
})
