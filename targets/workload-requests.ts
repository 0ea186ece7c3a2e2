/**
 * The workloads' operations as requests of the bundled servers' key-value API
 * (server-kit/kv-store.ts), shared by the raft-kv and chain-kv clients. Each
 * workload keeps its state under keys of its own, so the server needs no
 * notion of sets, counters or queues beyond its commands:
 *
 *   workload     operation                        request                                   completion value
 *   register     read / write / cas [k, ...]      /kv/read, /kv/write, /kv/cas on k         (json-client.ts)
 *   set          add [k, e]                       /kv/add    {key: ['set', k], value: e}
 *                read [k, null]                   /kv/read   {key: ['set', k]}              [k, [e, ...]]
 *   counter      add n                            /kv/incr   {key: 'counter', delta: n}
 *                read null                        /kv/read   {key: 'counter'}               n (0 before any add)
 *   unique-ids   generate null                    /kv/incr   {key: 'ids', delta: 1}         the new value: each id once
 *   queue        enqueue v                        /kv/append {key: 'queue', value: v}
 *                dequeue null, or a request id    /kv/pop    {key: 'queue', request?}       v, or null when empty
 *                settle-dequeues null             /kv/settle-dequeues {key: 'queue'}        {request: v, ...}
 *   bank         transfer {from, to, amount}      /kv/transfer {from: ['bank', a], to: ['bank', b], amount, floor}
 *                read null                        /kv/read-many {keys: [['bank', a], ...]}   {a: balance, ...}
 *   long-fork    txn [[f, k, v], ...]             /kv/txn    {ops}                          the ops, reads filled in
 *   list-append  txn [['append'|'r', k, v], ...]  /kv/txn    {ops}                          the ops, reads filled in (a list, null when missing)
 *   rw-register  txn [['w'|'r', k, v], ...]       /kv/txn    {ops}                          the ops, reads filled in (null when missing)
 *   (any)        txn, append [k, v]               /kv/txn, /kv/append                       (where the server has them)
 *
 * A transaction of reads only is read-only (the server may answer it where it
 * serves reads, and it is never `info`); one that writes is all or nothing,
 * so a timeout leaves it `info` and a refusal `fail`, by the shared rule.
 * list-append and rw-register transactions hold only their workload's
 * micro-operations, keys and written values being numbers or strings, as the
 * transactional checker reads them.
 *
 * A bank's accounts are opened by the target's setup (`openBank`), each
 * with a compare-and-set from nothing, so a second setup changes nothing.
 * A dequeue with a request id (the settling queue workload's) is idempotent:
 * the servers answer it again from their record, so the clients ask again
 * after a lost answer (performRequest's `idempotent`) rather than give up.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { bankSetup, openingBalances, type Client, type Invocation } from '../index.js'
import { kvRequest, type KvRequest } from './json-client.js'

export interface WorkloadRequest extends KvRequest {
  /** It changes nothing: the client may send it to a replica that serves reads, and never completes it `info`. */
  readOnly: boolean
  /** The server answers it again from a record of its first application (a dequeue with a request id): asked again after a lost answer, it takes effect once. */
  idempotent?: boolean
}

/** What a bank client must know of the workload's options. */
export interface BankOptions {
  accounts: readonly number[]
  negativeBalances: boolean
}

export const bankKey = (account: unknown): unknown[] => ['bank', account]

export function bankOptions(workloadOptions: Readonly<Record<string, unknown>>): BankOptions {
  const { accounts, negativeBalances } = bankSetup(workloadOptions)
  return { accounts, negativeBalances }
}

/**
 * Opens the bank's accounts through `client` (a register client of the
 * target): a compare-and-set from nothing per account, asked again until it
 * is ok, or refused because the account is already open (an earlier attempt
 * that timed out took effect). Throws when that takes longer than `timeoutMs`.
 */
export async function openBank(client: Client, workloadOptions: Readonly<Record<string, unknown>>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const signal = new AbortController().signal
  for (const [account, balance] of openingBalances(bankSetup(workloadOptions))) {
    const op: Invocation = { type: 'invoke', f: 'cas', value: [bankKey(Number(account)), [null, balance]], process: 0, time: 0 }
    for (;;) {
      const c = await client.invoke(op, signal)
      if (c.type === 'ok' || (c.type === 'fail' && c.error === 'cas-mismatch')) break
      if (Date.now() > deadline) throw new Error(`could not open bank account ${account}: ${c.error ?? c.type}`)
      await sleep(100)
    }
  }
}

const write = (path: string, body: unknown, answer: (v: unknown) => unknown): WorkloadRequest => ({ path, body, answer, readOnly: false })
const read = (path: string, body: unknown, answer: (v: unknown) => unknown): WorkloadRequest => ({ path, body, answer, readOnly: true })
const pair = (v: unknown): [unknown, unknown] | undefined => (Array.isArray(v) && v.length === 2 ? (v as [unknown, unknown]) : undefined)

/**
 * The request for `op` of `workload`, or undefined when the workload has no
 * such operation or the value is malformed (the client fails it: nothing was sent).
 * `bank` is needed for the bank workload only.
 */
export function workloadRequest(workload: string, op: Invocation, bank?: BankOptions): WorkloadRequest | undefined {
  const v = op.value
  switch (`${workload} ${op.f}`) {
    case 'set add': {
      const p = pair(v)
      return p && write('/kv/add', { key: ['set', p[0]], value: p[1] }, () => v)
    }
    case 'set read': {
      const p = pair(v)
      return p && read('/kv/read', { key: ['set', p[0]] }, (value) => [p[0], value ?? []])
    }
    case 'counter add':
      return typeof v === 'number' ? write('/kv/incr', { key: 'counter', delta: v }, () => v) : undefined
    case 'counter read':
      return read('/kv/read', { key: 'counter' }, (value) => value ?? 0)
    case 'unique-ids generate':
      return write('/kv/incr', { key: 'ids', delta: 1 }, (value) => value)
    case 'queue enqueue':
      return write('/kv/append', { key: 'queue', value: v }, () => v)
    case 'queue dequeue':
      if (typeof v === 'string') return { ...write('/kv/pop', { key: 'queue', request: v }, (value) => value ?? null), idempotent: true }
      return write('/kv/pop', { key: 'queue' }, (value) => value ?? null)
    case 'queue settle-dequeues':
      return write('/kv/settle-dequeues', { key: 'queue' }, (value) => value ?? {})
    case 'bank transfer': {
      const t = v as { from?: unknown; to?: unknown; amount?: unknown } | null
      if (!bank || t === null || typeof t !== 'object' || typeof t.amount !== 'number') return undefined
      return write('/kv/transfer', { from: bankKey(t.from), to: bankKey(t.to), amount: t.amount, floor: bank.negativeBalances ? null : 0 }, () => v)
    }
    case 'bank read': {
      if (!bank) return undefined
      const accounts = bank.accounts
      return read('/kv/read-many', { keys: accounts.map(bankKey) }, (values) =>
        Object.fromEntries(accounts.map((a, i) => [String(a), Array.isArray(values) ? (values[i] ?? null) : null])),
      )
    }
    case 'list-append txn':
      return elleTxn(v, 'append')
    case 'rw-register txn':
      return elleTxn(v, 'w')
    default: {
      // The register and long-fork workloads, and a user's workload of register operations or transactions.
      if (op.f === 'txn') return Array.isArray(v) ? txnRequest(v) : undefined
      const r = kvRequest(op, { append: true })
      return r && { ...r, readOnly: op.f === 'read' }
    }
  }
}

const txnRequest = (ops: readonly unknown[]): WorkloadRequest =>
  (ops.every((m) => Array.isArray(m) && m[0] === 'r') ? read : write)('/kv/txn', { ops }, (value) => value)

const scalar = (x: unknown): boolean => typeof x === 'number' || typeof x === 'string'

/** A list-append or rw-register transaction, whose writes are `writeF`; undefined when malformed. */
function elleTxn(v: unknown, writeF: 'append' | 'w'): WorkloadRequest | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined
  const wellFormed = v.every((m) => Array.isArray(m) && m.length === 3 && scalar(m[1]) && (m[0] === 'r' || (m[0] === writeF && scalar(m[2]))))
  return wellFormed ? txnRequest(v) : undefined
}
