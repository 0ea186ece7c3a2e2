// `dstest check` on the vendored Jepsen histories (test/fixtures/elle/ligurio-elle-cli/histories/jepsen/) with
// each classic checker through the built CLI, checker options and their
// refusal, and `dstest list` for the classic workloads and checkers.
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT, dstest, requireBuild, tempDir } from './helpers.js'

beforeAll(() => requireBuild())

const FIXTURES = join(ROOT, 'test/fixtures/elle/ligurio-elle-cli/histories/jepsen')

describe('dstest check: the vendored Jepsen histories', () => {
  it.each([
    ['set.edn', ['--checker', 'set'], 0, /set: VALID - 3 stable/],
    ['set_full.edn', ['--checker', 'set'], 1, /set: INVALID - 293 element\(s\) lost/],
    ['set_full.json', ['--checker', 'set'], 1, /set: INVALID - 293 element\(s\) lost/],
    ['bank.edn', ['--checker', 'bank'], 0, /bank: VALID - every read sums to 100/],
    ['bank.json', ['--checker', 'bank'], 0, /bank: VALID/],
    ['bank-tidb.edn', ['--checker', 'bank'], 1, /bank: INVALID - 1731 read\(s\) with the wrong total/],
    ['bank-neg.edn', ['--checker', 'bank', '--option', 'negativeBalances=true'], 0, /bank: VALID - every read sums to 30 \(/],
    ['bank-negative-balances.json', ['--checker', 'bank'], 1, /bank: INVALID - 1 read\(s\) with a negative balance/],
    ['counter.edn', ['--checker', 'counter'], 2, /counter: UNKNOWN - no read completed/],
    ['counter.json', ['--checker', 'counter'], 2, /counter: UNKNOWN/],
    ['long-fork.edn', ['--checker', 'long-fork', '--option', 'groupSize=3'], 1, /long-fork: INVALID - 1 long fork\(s\)/],
  ])('%s %j exits %i', (file, args, code, line) => {
    const store = tempDir()
    const r = dstest(['check', join(FIXTURES, file), ...args, '--store', store])
    expect(r.stdout).toMatch(line)
    expect(r.code).toBe(code)
  })

  it('an unknown or ill-typed checker option is refused with exit 3', () => {
    const store = tempDir()
    const unknown = dstest(['check', join(FIXTURES, 'bank.edn'), '--checker', 'bank', '--option', 'negative=true', '--store', store])
    expect(unknown.code).toBe(3)
    expect(unknown.stderr).toMatch(/checker bank has no option 'negative': its options are: negativeBalances, total/)
    const typed = dstest(['check', join(FIXTURES, 'long-fork.edn'), '--checker', 'long-fork', '--option', 'groupSize=three', '--store', store])
    expect(typed.code).toBe(3)
    expect(typed.stderr).toMatch(/checker long-fork: option groupSize must be an integer, got "three"/)
    expect(dstest(['check', join(FIXTURES, 'set.edn'), '--checker', 'set', '--option', 'linearizable', '--store', store]).stderr).toMatch(/--option linearizable: expected name=value/)
  })
})

describe('dstest list: the classic workloads and checkers', () => {
  it('describes each workload and checker, and each memory bug under the target', () => {
    const all = dstest(['list'])
    expect(all.code).toBe(0)
    for (const name of ['set', 'bank', 'counter', 'unique-ids', 'queue', 'long-fork']) {
      expect(all.stdout).toMatch(new RegExp(`workloads:[\\s\\S]*\\n  ${name} +\\S`))
      expect(all.stdout).toMatch(new RegExp(`checkers:[\\s\\S]*\\n  ${name} +\\S`))
    }
    expect(all.stdout).toMatch(/--bug torn-transfer: bank workload: /)
  })
})
