import { describe, expect, it } from 'vitest'
import { bankOptions, bankWorkload } from '../../../workloads/bank.js'
import { invokes, options, play } from './helpers.js'

describe('bank workload', () => {
  it('transfers between two different accounts, 1..maxTransfer, and reads; each node read at the end', () => {
    const o = options({ accounts: 4, maxTransfer: 3 })
    const h = invokes(play(bankWorkload, o))
    const transfers = h.filter((op) => op.f === 'transfer').map((op) => op.value as { from: number; to: number; amount: number })
    expect(transfers.length).toBeGreaterThan(50)
    for (const t of transfers) {
      expect(t.from).not.toBe(t.to)
      expect([t.from, t.to].every((a) => a >= 0 && a < 4)).toBe(true)
      expect(t.amount).toBeGreaterThanOrEqual(1)
      expect(t.amount).toBeLessThanOrEqual(3)
    }
    expect(new Set(transfers.map((t) => t.amount))).toEqual(new Set([1, 2, 3]))
    expect(h.slice(-5).map((op) => op.f)).toEqual(['read', 'read', 'read', 'read', 'read'])
  })

  it('its checker knows the accounts and total from the options', () => {
    expect(bankOptions(options({ accounts: 3, total: 30, negativeBalances: true }))).toMatchObject({ accounts: [0, 1, 2], total: 30, negativeBalances: true, maxTransfer: 5 })
    expect(Object.keys(bankWorkload.checkers(options()))).toEqual(['bank', 'stats'])
  })

  it('refuses a bad option by name', () => {
    expect(() => bankOptions(options({ accounts: 1 }))).toThrow(/bank workload: option accounts must be an integer from 2 to 1000, got 1/)
    expect(() => bankOptions(options({ total: -5 }))).toThrow(/option total must be an integer ≥ 0/)
    expect(() => bankOptions(options({ negative: true }))).toThrow(/unknown option\(s\) negative/)
  })
})
