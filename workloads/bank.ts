/**
 * The bank workload: money moves between accounts by transfers (each a
 * transaction) while clients read every balance in one snapshot; after the
 * faults are healed each node is read once more. The bank checker wants every
 * read to show every account and sum to the total, with no balance below zero
 * unless negative balances are allowed.
 *
 *   transfer  {from, to, amount}   two different accounts, amount 1..maxTransfer;
 *                                  fail when it would overdraw (unless negativeBalances)
 *   read      null               → ok {account: balance, ...}
 *
 * Options: accounts (8, ids 0..n-1), total (100, split evenly at the start),
 * maxTransfer (5), readFraction (0.5), negativeBalances (false). A target opens
 * the accounts with `openingBalances(bankSetup(options))` from checkers/bank.ts.
 */
import { bankChecker, bankSetup } from '../checkers/bank.js'
import { stats } from '../checkers/stats.js'
import { knownOptions, numberOption } from './options.js'
import { defineWorkload, type WorkloadOptions } from './workload.js'

export function bankOptions(o: WorkloadOptions): ReturnType<typeof bankSetup> & { maxTransfer: number; readFraction: number } {
  knownOptions('bank', o.options, ['accounts', 'total', 'negativeBalances', 'maxTransfer', 'readFraction'])
  return {
    ...bankSetup(o.options),
    maxTransfer: numberOption('bank', o.options, 'maxTransfer', 5, { min: 1, integer: true }),
    readFraction: numberOption('bank', o.options, 'readFraction', 0.5, { min: 0, max: 1 }),
  }
}

export const bankWorkload = defineWorkload({
  name: 'bank',
  description: 'transfers between accounts and snapshot reads of every balance; every read must sum to the total, with no negative balance unless allowed',
  operations: ['transfer', 'read'],
  generator(o: WorkloadOptions) {
    const opts = bankOptions(o)
    const n = opts.accounts.length
    return (ctx) => {
      if (ctx.random.bool(opts.readFraction)) return { f: 'read', value: null }
      const from = ctx.random.int(n)
      const to = (from + 1 + ctx.random.int(n - 1)) % n
      return { f: 'transfer', value: { from: opts.accounts[from], to: opts.accounts[to], amount: ctx.random.between(1, opts.maxTransfer) } }
    }
  },
  finalGenerator(o: WorkloadOptions) {
    return o.nodes.map(() => ({ f: 'read', value: null }))
  },
  checkers(o: WorkloadOptions) {
    const opts = bankOptions(o)
    return { bank: bankChecker({ accounts: opts.accounts, total: opts.total, negativeBalances: opts.negativeBalances }), stats: stats() }
  },
})
