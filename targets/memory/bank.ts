/**
 * The bank workload on the memory target: balances in one map, a transfer
 * atomic (refused, as `fail`, when it would overdraw and negative balances
 * are not allowed). `torn-transfer`: a transfer is two separate writes, the
 * debit and, 3 ms later, the credit, so a read in between sees money missing.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Client } from '../../core/client.js'
import type { Completion } from '../../core/op.js'
import type { Invocation } from '../../core/generator/types.js'
import { bankSetup, openingBalances, type BankSetup } from '../../checkers/bank.js'
import { nextTurn, unknownOperation, type MemorySystem, type SystemOptions } from './system.js'

export const TORN_GAP_MS = 3

export class MemoryBank {
  private readonly balances: Map<string, number>
  constructor(
    private readonly setup: BankSetup,
    private readonly bug: 'torn-transfer' | undefined,
  ) {
    this.balances = openingBalances(setup)
  }

  /** Moves `amount`; false (nothing changed) when an account is unknown or it would overdraw. */
  async transfer(from: string, to: string, amount: number): Promise<boolean> {
    const a = this.balances.get(from)
    const b = this.balances.get(to)
    if (a === undefined || b === undefined || from === to || !(amount > 0)) return false
    if (a < amount && !this.setup.negativeBalances) return false
    if (this.bug !== 'torn-transfer') {
      this.balances.set(from, a - amount)
      this.balances.set(to, b + amount)
      return true
    }
    this.balances.set(from, this.balances.get(from)! - amount)
    await sleep(TORN_GAP_MS)
    this.balances.set(to, this.balances.get(to)! + amount)
    return true
  }

  read(): Record<string, number> {
    return Object.fromEntries(this.balances)
  }
}

class BankClient implements Client {
  constructor(
    private readonly bank: MemoryBank,
    private readonly node: string,
  ) {}
  async invoke(op: Invocation): Promise<Completion> {
    await nextTurn()
    if (op.f === 'read') return { type: 'ok', value: this.bank.read(), node: this.node }
    if (op.f !== 'transfer') return unknownOperation(op.f, op.value, this.node)
    const { from, to, amount } = (op.value ?? {}) as { from?: unknown; to?: unknown; amount?: unknown }
    const done = await this.bank.transfer(String(from), String(to), Number(amount))
    return done ? { type: 'ok', value: op.value, node: this.node } : { type: 'fail', value: op.value, node: this.node, error: 'refused: would overdraw, or no such account' }
  }
}

export function bankSystem({ bug, workloadOptions }: SystemOptions): MemorySystem {
  const bank = new MemoryBank(bankSetup(workloadOptions), bug === 'torn-transfer' ? 'torn-transfer' : undefined)
  return { client: (node) => new BankClient(bank, node), close() {} }
}
