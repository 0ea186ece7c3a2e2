import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bankChecker, type BankCheckerOptions, type BankResult } from '../../../checkers/bank.js'
import type { Op } from '../../../core/op.js'
import { HistoryBuilder, checkedBothWays, jepsenFixture } from './history-builder.js'
import { interleave, type Call } from './interleave.js'

// Every history here is checked whole and by the fold, which must agree.
const check = async (history: Op[], options: BankCheckerOptions = {}): Promise<BankResult> => (await checkedBothWays(bankChecker(options), history)) as BankResult
const opts = { accounts: [0, 1, 2], total: 30 }

describe('bank checker: Jepsen histories', () => {
  it.each(['bank.edn', 'bank.json'])('%s is valid', async (file) => {
    const r = await check(jepsenFixture(file))
    expect(r.valid).toBe(true)
    expect(r).toMatchObject({ total: 100, from: 'first read', errorCount: 0 })
    expect(r.accounts).toHaveLength(10)
    expect(r.transfers.ok).toBeGreaterThan(0)
  })

  it('bank-tidb.edn is invalid: reads with the wrong total', async () => {
    const r = await check(jepsenFixture('bank-tidb.edn'))
    expect(r.valid).toBe(false)
    expect(r.counts['wrong-total']).toBeGreaterThan(0)
    expect(r.summary).toMatch(/read\(s\) with the wrong total/)
  })

  it('bank-neg.edn is valid when negative balances are allowed, as without (it has none)', async () => {
    expect((await check(jepsenFixture('bank-neg.edn'), { negativeBalances: true })).valid).toBe(true)
    expect((await check(jepsenFixture('bank-neg.edn'))).valid).toBe(true)
  })

  it('bank-negative-balances.json is invalid when negative balances are not allowed, valid when they are', async () => {
    const r = await check(jepsenFixture('bank-negative-balances.json'))
    expect(r.valid).toBe(false)
    expect(r.counts).toEqual({ incomplete: 0, 'wrong-total': 0, negative: 1 })
    expect(r.summary).toMatch(/^1 read\(s\) with a negative balance \(op 3: account 7 at -1\)/)
    expect((await check(jepsenFixture('bank-negative-balances.json'), { negativeBalances: true })).valid).toBe(true)
  })
})

describe('bank checker: one history per finding', () => {
  const read = (b: HistoryBuilder, balances: Record<string, unknown>): HistoryBuilder => b.call(1, 'read', null, balances)

  it('valid: transfers keep the total in every read', async () => {
    const h = read(new HistoryBuilder().call(0, 'transfer', { from: 0, to: 1, amount: 5 }), { 0: 5, 1: 15, 2: 10 })
    const r = await check(h.ops, opts)
    expect(r.valid).toBe(true)
    expect(r.summary).toBe('every read sums to 30 with no negative balance (1 reads, transfers 1 ok / 0 fail / 0 info; total 30, 3 accounts)')
  })

  it('wrong total: a read that saw the debit of a transfer but not its credit', async () => {
    const h = read(read(new HistoryBuilder(), { 0: 10, 1: 10, 2: 10 }), { 0: 5, 1: 10, 2: 10 })
    const r = await check(h.ops, opts)
    expect(r.valid).toBe(false)
    expect(r.counts).toEqual({ incomplete: 0, 'wrong-total': 1, negative: 0 })
    expect(r.examples['wrong-total']?.worst.index).toBe(3)
    expect(r.totals).toEqual({ min: 25, max: 30 })
  })

  it('negative balance: invalid by default, valid when allowed', async () => {
    const h = read(new HistoryBuilder(), { 0: -5, 1: 25, 2: 10 })
    const r = await check(h.ops, opts)
    expect(r.valid).toBe(false)
    expect(r.counts).toEqual({ incomplete: 0, 'wrong-total': 0, negative: 1 })
    expect((await check(h.ops, { ...opts, negativeBalances: true })).valid).toBe(true)
  })

  it('not a snapshot of every account: a missing account, an unknown one, a non-numeric balance', async () => {
    for (const balances of [{ 0: 10, 1: 20 }, { 0: 10, 1: 10, 2: 5, 9: 5 }, { 0: 10, 1: 10, 2: null }]) {
      const r = await check(read(new HistoryBuilder(), balances).ops, opts)
      expect(r.valid).toBe(false)
      expect(r.counts).toEqual({ incomplete: 1, 'wrong-total': 0, negative: 0 })
    }
    const r = await check(read(new HistoryBuilder(), { 0: 10, 1: 20 }).ops, opts)
    expect(r.summary).toMatch(/^1 read\(s\) not a snapshot of every account \(op 1: missing 2\)/)
  })

  it('the accounts and total come from the first read when not given, and the summary says so', async () => {
    const h = read(read(new HistoryBuilder(), { a: 1, b: 2 }), { a: 0, b: 2 })
    const r = await check(h.ops)
    expect(r).toMatchObject({ valid: false, total: 3, accounts: ['a', 'b'], from: 'first read' })
    expect(r.summary).toMatch(/total 3, 2 accounts \(from the first read\)/)
  })

  it('unknown when no read completed', async () => {
    const h = new HistoryBuilder().call(0, 'transfer', { from: 0, to: 1, amount: 5 }).call(1, 'read', null, null, 'info')
    expect((await check(h.ops, opts)).valid).toBe('unknown')
  })
})

describe('bank checker: the fold gives the whole-history result', () => {
  // Balances of accounts 0-2 around a total of 30: right, torn, negative, missing or unknown accounts, non-numbers, not balances at all.
  const balances = fc.oneof(
    fc.constantFrom({ 0: 10, 1: 10, 2: 10 }, { 0: 30, 1: 0, 2: 0 }, { 0: 15, 1: 10, 2: 10 }, { 0: 40, 1: -10, 2: 0 }, { 0: 10, 1: 20 }, { 0: 10, 1: 10, 2: 5, 9: 5 }, { 0: 10, 1: 10, 2: null }),
    fc.constantFrom(null, 7, [[0, 10], [1, 10], [2, 10]], [[0, 1]], 'x'),
    fc.record({ 0: fc.integer({ min: -5, max: 30 }), 1: fc.integer({ min: -5, max: 30 }), 2: fc.integer({ min: 0, max: 30 }) }),
  )
  const call = fc.oneof(
    fc.record({ f: fc.constant('transfer'), value: fc.constant({ from: 0, to: 1, amount: 5 }), type: fc.constantFrom('ok', 'fail', 'info', 'pending') }),
    fc.record({ f: fc.constant('read'), value: fc.constant(null), result: balances, type: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info', 'pending') }),
  ) as fc.Arbitrary<Call>
  const options = fc.constantFrom<BankCheckerOptions>({}, opts, { accounts: [0, 1, 2] }, { total: 30 }, { ...opts, negativeBalances: true })
  it('on random histories of transfers and reads of every shape, with and without the accounts and total given (2,000 histories)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(call, { maxLength: 6 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 60 }), options, async (procs, picks, o) => {
        await check(interleave(procs, picks), o)
      }),
      { numRuns: 2000, seed: 16 },
    )
  })
})
