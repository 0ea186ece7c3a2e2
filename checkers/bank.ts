/**
 * The bank checker: clients transfer money between accounts (each transfer a
 * transaction) and read every balance in one snapshot; money is neither made
 * nor destroyed, so every read must show every account and sum to the total.
 * Each ok read is judged on its own:
 *
 * - `incomplete`: an account is missing, one no one opened appears, or a
 *   balance is not a number (the read is not a snapshot of every account);
 * - `wrong-total`: the balances sum to something else than the total (the read
 *   saw part of a transfer, or money was lost or made);
 * - `negative`: a balance below zero, unless negative balances are allowed.
 *
 * A snapshot that tears a transfer (sees the debit but not the credit, or the
 * reverse) shows as a wrong total; the checker cannot tell a torn read from
 * lost money, and says "wrong total" for both.
 *
 * Values: `transfer` {from, to, amount}; `read` → {account: balance, ...}
 * (Jepsen EDN maps import as objects with string keys). The accounts and the
 * total come from the options; when absent they are taken from the first ok
 * read (as elle-cli does), and the result says so.
 *
 * It folds (`BankFold`): each read is judged as it comes; only tallies are kept.
 */
import { UsageError } from '../core/errors.js'
import { pairOps, type Op, type Process } from '../core/op.js'
import type { CheckResult, Checker, CheckerFold } from './checker.js'
import { InvocationOrder } from './invocation-order.js'

export interface BankCheckerOptions {
  /** Account ids; default: those of the first ok read. */
  accounts?: readonly (string | number)[]
  /** The money in the bank; default: the sum of the first ok read. */
  total?: number
  /** Balances below zero are legal (default false). */
  negativeBalances?: boolean
}

/** What the bank opens with: its accounts (ids 0..n-1), the money in it, and whether balances may go below zero. */
export interface BankSetup {
  accounts: number[]
  total: number
  negativeBalances: boolean
}

/**
 * The bank's set-up from the workload options `accounts` (how many, default 8),
 * `total` (default 100) and `negativeBalances` (default false). The workload,
 * its checker and a target's bank all read it from here, so they agree.
 */
export function bankSetup(raw: Readonly<Record<string, unknown>>): BankSetup {
  const bad = (name: string, expected: string): never => {
    throw new UsageError(`bank workload: option ${name} must be ${expected}, got ${JSON.stringify(raw[name])}`, 'fix workloadOptions in the config file (see README "Workloads")')
  }
  const { accounts = 8, total = 100, negativeBalances = false } = raw
  if (typeof accounts !== 'number' || !Number.isInteger(accounts) || accounts < 2 || accounts > 1000) bad('accounts', 'an integer from 2 to 1000')
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) bad('total', 'an integer ≥ 0')
  if (typeof negativeBalances !== 'boolean') bad('negativeBalances', 'true or false')
  return { accounts: Array.from({ length: accounts as number }, (_, i) => i), total: total as number, negativeBalances: negativeBalances as boolean }
}

/** Opening balances: the total split evenly, the remainder in the first account. */
export function openingBalances(setup: BankSetup): Map<string, number> {
  const each = Math.floor(setup.total / setup.accounts.length)
  const rest = setup.total - each * setup.accounts.length
  return new Map(setup.accounts.map((a, i) => [String(a), each + (i === 0 ? rest : 0)]))
}

export type BankErrorKind = 'incomplete' | 'wrong-total' | 'negative'

export interface BankRead {
  /** History index of the read's completion. */
  index: number
  /** Nanoseconds: the read's invocation and completion. */
  invokeTime: number
  time: number
  balances: Record<string, unknown>
  /** Sum of the numeric balances. */
  total: number
  errors: BankErrorKind[]
  /** For incomplete reads: what was wrong. */
  missing?: string[]
  unexpected?: string[]
  notNumbers?: string[]
  /** Accounts below zero. */
  negative?: string[]
}

export interface BankResult extends CheckResult {
  checker: 'bank'
  reads: number
  transfers: { ok: number; fail: number; info: number }
  accounts: string[]
  total: number
  /** Where the accounts and total came from. */
  from: 'options' | 'first read'
  negativeBalances: boolean
  errorCount: number
  counts: Record<BankErrorKind, number>
  /** First and worst read of each kind. */
  examples: Partial<Record<BankErrorKind, { first: BankRead; worst: BankRead }>>
  /** Lowest and highest total any read showed. */
  totals: { min: number; max: number } | null
}

/** A read's value as {account: balance}: a JSON/EDN object, or a list of [account, balance] entries. */
function balancesOf(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) {
    if (!value.every((e) => Array.isArray(e) && e.length === 2)) return undefined
    return Object.fromEntries((value as [unknown, unknown][]).map(([k, v]) => [String(k), v]))
  }
  if (typeof value === 'object' && value !== null) return value as Record<string, unknown>
  return undefined
}

/** One ok read judged against the accounts (`known`: the same as a set) and the total. */
function judgeRead(index: number, invokeTime: number, time: number, value: unknown, accounts: readonly string[], known: ReadonlySet<string>, total: number, negativeBalances: boolean): BankRead {
  const balances = balancesOf(value) ?? {}
  const read: BankRead = { index, invokeTime, time, balances, total: 0, errors: [] }
  const keys = Object.keys(balances)
  const missing = accounts.filter((a) => !(a in balances))
  const unexpected = keys.filter((k) => !known.has(k))
  const notNumbers = keys.filter((k) => typeof balances[k] !== 'number')
  for (const k of keys) if (typeof balances[k] === 'number') read.total += balances[k] as number
  if (missing.length || unexpected.length || notNumbers.length) {
    read.errors.push('incomplete')
    if (missing.length) read.missing = missing
    if (unexpected.length) read.unexpected = unexpected
    if (notNumbers.length) read.notNumbers = notNumbers
  } else if (read.total !== total) {
    read.errors.push('wrong-total')
  }
  const negative = keys.filter((k) => typeof balances[k] === 'number' && (balances[k] as number) < 0)
  if (negative.length && !negativeBalances) {
    read.errors.push('negative')
    read.negative = negative
  }
  return read
}

/** Every ok read, judged against the accounts and total (pure). */
export function bankReads(history: readonly Op[], accounts: readonly string[], total: number, negativeBalances: boolean): BankRead[] {
  const known = new Set(accounts)
  const out: BankRead[] = []
  for (const { invoke, complete } of pairOps(history)) {
    if (invoke.process === 'nemesis' || invoke.f !== 'read' || complete?.type !== 'ok') continue
    out.push(judgeRead(complete.index, invoke.time, complete.time, complete.value, accounts, known, total, negativeBalances))
  }
  return out
}

/** How bad an error is, to pick the worst example: the distance from the total, the money below zero, the accounts wrong. */
function badness(read: BankRead, kind: BankErrorKind, total: number): number {
  if (kind === 'wrong-total') return Math.abs(read.total - total)
  if (kind === 'negative') return -(read.negative ?? []).reduce((s, k) => s + (read.balances[k] as number), 0)
  return (read.missing?.length ?? 0) + (read.unexpected?.length ?? 0) + (read.notNumbers?.length ?? 0)
}

/** The judged reads' tallies, kept as they go by: counts, first and worst example of each error, the totals' range. */
class BankTally {
  reads = 0
  errorCount = 0
  readonly counts: Record<BankErrorKind, number> = { incomplete: 0, 'wrong-total': 0, negative: 0 }
  readonly examples: BankResult['examples'] = {}
  totals: { min: number; max: number } | null = null

  constructor(private readonly total: number) {}

  /** The next judged read, in invocation order. */
  add(r: BankRead): void {
    this.reads++
    if (r.errors.length) this.errorCount++
    for (const kind of r.errors) {
      this.counts[kind]++
      const e = this.examples[kind]
      if (!e) this.examples[kind] = { first: r, worst: r }
      else if (badness(r, kind, this.total) > badness(e.worst, kind, this.total)) e.worst = r
    }
    if (!r.errors.includes('incomplete')) {
      if (!this.totals) this.totals = { min: r.total, max: r.total }
      else {
        this.totals.min = Math.min(this.totals.min, r.total)
        this.totals.max = Math.max(this.totals.max, r.total)
      }
    }
  }
}

const noRead = (): CheckResult => ({ valid: 'unknown', summary: 'no read completed, so nothing could be judged', checker: 'bank' })

function bankResult(t: BankTally, transfers: BankResult['transfers'], accounts: string[], total: number, from: BankResult['from'], negativeBalances: boolean): BankResult {
  const { counts, examples } = t
  const basis = `total ${total}, ${accounts.length} accounts${from === 'first read' ? ' (from the first read)' : ''}`
  const bad: string[] = []
  const at = (kind: BankErrorKind): string => {
    const e = examples[kind]!
    return e.first === e.worst ? `op ${e.first.index}` : `first op ${e.first.index}, worst op ${e.worst.index}`
  }
  if (counts['wrong-total']) {
    const w = examples['wrong-total']!.worst
    bad.push(`${counts['wrong-total']} read(s) with the wrong total (${at('wrong-total')}: ${w.total} instead of ${total})`)
  }
  if (counts.negative) {
    const w = examples.negative!.worst
    bad.push(`${counts.negative} read(s) with a negative balance (${at('negative')}: ${w.negative!.map((k) => `account ${k} at ${String(w.balances[k])}`).join(', ')})`)
  }
  if (counts.incomplete) {
    const f = examples.incomplete!.first
    const what = [f.missing && `missing ${f.missing.join(', ')}`, f.unexpected && `unknown account(s) ${f.unexpected.join(', ')}`, f.notNumbers && `non-numeric ${f.notNumbers.join(', ')}`].filter(Boolean).join('; ')
    bad.push(`${counts.incomplete} read(s) not a snapshot of every account (${at('incomplete')}: ${what})`)
  }
  const tally = `${t.reads} reads, transfers ${transfers.ok} ok / ${transfers.fail} fail / ${transfers.info} info; ${basis}`
  return {
    valid: bad.length ? false : true,
    summary: bad.length ? `${bad.join('; ')} (${tally})` : `every read sums to ${total}${negativeBalances ? '' : ' with no negative balance'} (${tally})`,
    checker: 'bank',
    reads: t.reads,
    transfers,
    accounts,
    total,
    from,
    negativeBalances,
    errorCount: t.errorCount,
    counts,
    examples,
    totals: t.totals,
  }
}

interface CompletedRead {
  index: number
  invokeTime: number
  time: number
  value: unknown
}

/**
 * The bank check as a fold: each read is judged as it comes and only the
 * tallies are kept (counts, the first and worst read of each error, the
 * lowest and highest total), plus the operations in flight. Reads are taken
 * in invocation order (as `pairOps` lists them): the first one with balances
 * gives the accounts and total when the options do not, and "first" and
 * "worst" examples are those of check. `onRead` sees every judged read.
 */
export class BankFold implements CheckerFold {
  private readonly negativeBalances: boolean
  private readonly order = new InvocationOrder<CompletedRead>((r) => this.take(r))
  private readonly invokeTimes = new Map<Process, number>()
  private readonly openTransfers = new Set<Process>()
  private transfersInvoked = 0
  private readonly transfers = { ok: 0, fail: 0, info: 0 }
  /** Reads before the first with balances: judged once it gives the accounts and total. */
  private early: CompletedRead[] = []
  private basis: { accounts: string[]; known: Set<string>; total: number } | undefined
  private tally: BankTally | undefined

  constructor(
    private readonly options: BankCheckerOptions = {},
    private readonly onRead?: (read: BankRead) => void,
  ) {
    this.negativeBalances = options.negativeBalances ?? false
  }

  add(op: Op): void {
    if (op.process === 'nemesis') return
    if (op.type === 'invoke') {
      this.openTransfers.delete(op.process)
      if (op.f === 'read') {
        this.invokeTimes.set(op.process, op.time)
        this.order.invoked(op.process, op.index)
        return
      }
      this.order.abandon(op.process)
      this.invokeTimes.delete(op.process)
      if (op.f === 'transfer') {
        this.transfersInvoked++
        this.openTransfers.add(op.process)
      }
      return
    }
    if (this.openTransfers.delete(op.process) && op.type !== 'info') this.transfers[op.type]++
    const invokeTime = this.invokeTimes.get(op.process)
    this.invokeTimes.delete(op.process)
    this.order.completed(op.process, op.type === 'ok' && invokeTime !== undefined ? { index: op.index, invokeTime, time: op.time, value: op.value } : undefined)
  }

  private take(r: CompletedRead): void {
    if (!this.basis) {
      const first = balancesOf(r.value)
      if (first === undefined) {
        this.early.push(r)
        return
      }
      const accounts = this.options.accounts ? this.options.accounts.map(String) : Object.keys(first)
      const total = this.options.total ?? Object.values(first).reduce<number>((s, v) => s + (typeof v === 'number' ? v : 0), 0)
      this.basis = { accounts, known: new Set(accounts), total }
      this.tally = new BankTally(total)
      const early = this.early
      this.early = []
      for (const e of early) this.judge(e)
    }
    this.judge(r)
  }

  private judge(r: CompletedRead): void {
    const b = this.basis!
    const read = judgeRead(r.index, r.invokeTime, r.time, r.value, b.accounts, b.known, b.total, this.negativeBalances)
    this.tally!.add(read)
    this.onRead?.(read)
  }

  finish(): CheckResult {
    this.order.finish()
    if (!this.basis) return noRead()
    const transfers = { ...this.transfers, info: this.transfersInvoked - this.transfers.ok - this.transfers.fail }
    const from = this.options.accounts !== undefined && this.options.total !== undefined ? 'options' : 'first read'
    return bankResult(this.tally!, transfers, this.basis.accounts, this.basis.total, from, this.negativeBalances)
  }
}

export function bankChecker(options: BankCheckerOptions = {}): Checker {
  const negativeBalances = options.negativeBalances ?? false
  return {
    name: 'bank',
    check(history): CheckResult {
      const transfers = { ok: 0, fail: 0, info: 0 }
      let firstRead: Record<string, unknown> | undefined
      for (const { invoke, complete } of pairOps(history)) {
        if (invoke.process === 'nemesis') continue
        if (invoke.f === 'transfer') transfers[complete ? (complete.type as 'ok' | 'fail' | 'info') : 'info']++
        else if (invoke.f === 'read' && complete?.type === 'ok' && firstRead === undefined) firstRead = balancesOf(complete.value)
      }
      const from = options.accounts !== undefined && options.total !== undefined ? 'options' : 'first read'
      if (firstRead === undefined) return noRead()
      const accounts = options.accounts ? options.accounts.map(String) : Object.keys(firstRead)
      const total = options.total ?? Object.values(firstRead).reduce<number>((s, v) => s + (typeof v === 'number' ? v : 0), 0)
      const tally = new BankTally(total)
      for (const r of bankReads(history, accounts, total, negativeBalances)) tally.add(r)
      return bankResult(tally, transfers, accounts, total, from, negativeBalances)
    },
    fold: () => new BankFold(options),
  }
}
