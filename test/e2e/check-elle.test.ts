/**
 * `dstest check --checker list-append | rw-register` on Elle's histories and a
 * dstest JSONL history, as a user runs it: exit 1 for an anomaly the chosen
 * models forbid, 0 when valid, 2 when undecided, 3 for bad input; the output
 * names the anomaly types and the ruled-out models on a line each, then
 * explains each case.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, requireBuild, ROOT, tempDir } from './helpers.js'

beforeAll(requireBuild)

const F = join(ROOT, 'test/fixtures/elle')
const check = (file: string, ...args: string[]) => dstest(['check', file, ...args, '--store', join(tempDir(), 'store')])

describe('dstest check with the transactional checkers', () => {
  it("Elle's paper example: G-single, exit 1, with the cycle explained", () => {
    const r = check(join(F, 'jepsen-io-elle/histories/paper-example.edn'), '--checker', 'list-append')
    expect(r.code).toBe(1)
    const lines = r.stdout.split('\n')
    expect(lines).toContain('  list-append: INVALID - G-single-item (forbidden by strict-serializable): not consistent-view, repeatable-read')
    expect(lines).toContain('anomalies: G-single-item')
    expect(lines.find((l) => l.startsWith('ruled out: '))).toMatch(/^ruled out: consistent-view, repeatable-read \(and so also .*serializable/)
    expect(lines).toContain('G-single-item: T1 -rw(k255, 8)-> T2 -wr(k255, 8)-> T3 -ww(k256, 3)-> T1')
    expect(r.stdout).toMatch(/So T1 would have to come before itself: a cycle in which exactly one transaction missed another's effects/)
    expect(lines).toContain('verdict: INVALID (exit 1) 4 client operations')
  })

  it('--consistency-models chooses what counts: a write skew is fine for snapshot isolation, not for repeatable read', () => {
    const file = join(F, 'jepsen-io-elle/histories/si-without-g-single.edn')
    const si = check(file, '--checker', 'list-append', '--consistency-models', 'snapshot-isolation')
    expect(si.code).toBe(0)
    expect(si.stdout).toMatch(/list-append: VALID - .*found G2-item, which snapshot-isolation allows/)
    expect(si.stdout).toContain('ruled out: repeatable-read')
    const rr = check(file, '--checker', 'list-append', '--consistency-models', 'snapshot-isolation,repeatable-read')
    expect(rr.code).toBe(1)
  })

  it('a JSON history of registers, and --json results with the plain data', () => {
    const dir = tempDir()
    const r = dstest(['check', join(F, 'ligurio-elle-cli/histories/elle/rw-register.json'), '--checker', 'rw-register', '--json', '--store', dir])
    expect(r.code).toBe(1)
    const results = JSON.parse(r.stdout) as { valid: boolean; checkers: Record<string, { anomalyTypes: string[]; not: string[] }> }
    expect(results.valid).toBe(false)
    expect(results.checkers['rw-register']).toMatchObject({ anomalyTypes: ['garbage-read'], not: ['read-uncommitted'] })
    // Elle's verdict, which does not look for garbage reads.
    const asElle = dstest(['check', join(F, 'ligurio-elle-cli/histories/elle/rw-register.json'), '--checker', 'rw-register', '--option', 'garbageReads=false', '--store', dir])
    expect(asElle.code).toBe(0)
    expect(dstest(['check', join(F, 'ligurio-elle-cli/histories/elle/rw-register.json'), '--checker', 'rw-register', '--option', 'fifo=true', '--store', dir]).stderr).toMatch(
      /checker rw-register has no option 'fifo'/,
    )
  })

  it('a dstest JSONL history', () => {
    const dir = tempDir()
    const file = join(dir, 'history.jsonl')
    const ops = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'txn', value: [['append', 'x', 1]] },
      { index: 1, time: 1, type: 'ok', process: 0, f: 'txn', value: [['append', 'x', 1]] },
      { index: 2, time: 2, type: 'invoke', process: 1, f: 'txn', value: [['r', 'x', null]] },
      { index: 3, time: 3, type: 'ok', process: 1, f: 'txn', value: [['r', 'x', [1]]] },
    ]
    writeFileSync(file, ops.map((o) => JSON.stringify(o)).join('\n') + '\n')
    const ok = dstest(['check', file, '--checker', 'list-append', '--store', join(dir, 'store')])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/list-append: VALID - list-append history consistent with strict-serializable \(2 ok, 0 info, 0 failed transactions\)/)
    // A stale read after the append completed: only real-time order rules it out.
    ops[3]!.value = [['r', 'x', []]]
    writeFileSync(file, ops.map((o) => JSON.stringify(o)).join('\n') + '\n')
    const stale = dstest(['check', file, '--checker', 'list-append', '--store', join(dir, 'store')])
    expect(stale.code).toBe(1)
    expect(stale.stdout).toContain('anomalies: G-single-item-realtime')
    expect(stale.stdout).toContain('ruled out: strong-snapshot-isolation (and so also strict-serializable)')
    expect(dstest(['check', file, '--checker', 'list-append', '--consistency-models', 'serializable', '--store', join(dir, 'store')]).code).toBe(0)
  })

  it('undecided when the search runs out of time: exit 2', () => {
    const r = check(join(F, 'jepsen-io-elle/histories/huge-scc.edn'), '--checker', 'list-append', '--time-limit', '0.000001')
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(/list-append: UNKNOWN - could not decide: the cycle search ran out of budget/)
  })

  it('bad input: the other data model, an unknown model, models for another checker (exit 3, one line)', () => {
    const wrong = check(join(F, 'ligurio-elle-cli/histories/elle/rw-register.edn'), '--checker', 'list-append')
    expect(wrong.code).toBe(3)
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1)
    expect(wrong.stderr).toMatch(/not a list-append history: op 1: \["w","x",2\] is not a list-append micro-operation/)
    const model = check(join(F, 'jepsen-io-elle/histories/paper-example.edn'), '--checker', 'list-append', '--consistency-models', 'serialisable')
    expect(model.code).toBe(3)
    expect(model.stderr).toMatch(/unknown consistency model 'serialisable': choose one of: .*serializable/)
    const other = check(join(F, 'jepsen-io-elle/histories/paper-example.edn'), '--checker', 'stats', '--consistency-models', 'serializable')
    expect(other.code).toBe(3)
    expect(other.stderr).toMatch(/--consistency-models is for the transactional checkers, not stats/)
  })

  it('dstest list checkers describes both', () => {
    const r = dstest(['list', 'checkers'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/list-append +transactions of appends to lists/)
    expect(r.stdout).toMatch(/rw-register +transactions of register writes and reads/)
  })
})
