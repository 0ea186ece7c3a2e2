import { describe, expect, it } from 'vitest'
import { MemoryBank, TORN_GAP_MS } from '../../../../targets/memory/bank.js'
import { bankWorkload } from '../../../../workloads/bank.js'
import { runOnMemory } from './run-workload.js'

const setup = { accounts: [0, 1, 2], total: 31, negativeBalances: false }

describe('memory bank', () => {
  it('opens with the total split evenly (the rest in account 0), moves money atomically, refuses overdrafts', async () => {
    const b = new MemoryBank(setup, undefined)
    expect(b.read()).toEqual({ 0: 11, 1: 10, 2: 10 })
    expect(await b.transfer('0', '1', 5)).toBe(true)
    expect(b.read()).toEqual({ 0: 6, 1: 15, 2: 10 })
    expect(await b.transfer('2', '0', 11)).toBe(false)
    expect(await b.transfer('2', '9', 1)).toBe(false)
    expect(b.read()).toEqual({ 0: 6, 1: 15, 2: 10 })
    expect(await new MemoryBank({ ...setup, negativeBalances: true }, undefined).transfer('2', '0', 11)).toBe(true)
  })

  it(`torn-transfer: between the debit and the credit (${TORN_GAP_MS} ms) a read sees the money missing`, async () => {
    const b = new MemoryBank(setup, 'torn-transfer')
    const moving = b.transfer('0', '1', 5)
    expect(b.read()).toEqual({ 0: 6, 1: 10, 2: 10 })
    expect(await moving).toBe(true)
    expect(b.read()).toEqual({ 0: 6, 1: 15, 2: 10 })
  })

  it('the bank workload is valid on it, and torn-transfer is caught as wrong totals', async () => {
    expect((await runOnMemory(bankWorkload, { workloadOptions: { accounts: 4, total: 40 } })).results.valid).toBe(true)
    const bad = await runOnMemory(bankWorkload, { bug: 'torn-transfer' })
    expect(bad.results.checkers.bank).toMatchObject({ valid: false })
    expect((bad.results.checkers.bank as unknown as { counts: Record<string, number> }).counts['wrong-total']).toBeGreaterThan(0)
  })
})
