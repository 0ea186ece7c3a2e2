/**
 * The key-value state both bundled servers replicate (raft-kv applies it in log
 * order, chain-kv in the head's seq order), and the client API's commands on
 * it. Keys and values are any JSON values; keys are compared by their JSON
 * text and a missing key reads `null`. Deterministic and pure: replicas that
 * apply the same commands in the same order hold the same state and compute
 * the same results, so a result the head or leader computed is the one every
 * replica reaches.
 *
 *   write     {key, value}                   set the key
 *   cas       {key, from, to}                set it if it holds `from`        cas-mismatch
 *   append    {key, value}                   push onto the list at key        type-mismatch
 *   add       {key, value}                   add to the set (a list) at key, once   type-mismatch
 *   incr      {key, delta, floor?}         → the new number                   type-mismatch, insufficient-funds
 *   pop       {key, request?}              → the list's first element, removed (null: empty)   type-mismatch, dequeue-settled
 *   settle-dequeues {key}                  → {request: value} of every pop with a request that took a value
 *   transfer  {from, to, amount, floor?}     move `amount` between two numbers, both or neither   insufficient-funds
 *   txn       {ops: [['append'|'r'|'w', key, value], ...]}  → the ops with reads filled in, all or nothing
 *
 * `floor` (a number, or null for none): refused if the number would fall below it.
 * A refused command changes nothing (the errors are no-effect answers, server-kit/replies.ts).
 *
 * Dequeues whose outcome a client can learn: a pop may carry a `request` id,
 * chosen by the client, unique per operation. The store records what such a
 * pop took, so the same request applied again (a client asking again after a
 * timeout, elsewhere or after a leader change) answers from the record and
 * takes nothing more. A pop that found the list empty is recorded too: applied
 * again (an earlier try of it arriving late, after a retry was answered) it
 * answers null and takes nothing, so a request has exactly the effect of its
 * first application, whatever the order of its tries. `settle-dequeues` ends
 * the requests on a key for good: it answers every record, and from then on a
 * pop whose request is not recorded takes nothing (`dequeue-settled`), so a
 * request still in flight somewhere (a delayed forward, a paused node's queued
 * request) can no longer take a value the answer said it did not. Pops without
 * a request are not affected. The records live in the same map, under keys no
 * client key can have (keyOf gives JSON text, which never starts with '#'), so
 * snapshots and state transfers carry them; they are kept for the life of the
 * store, one per dequeue with a request.
 */
import { BadRequest } from './json-server.js'

/** A micro-op of a transaction: append to a list, read, or write a key. */
export type MicroOp = ['append', unknown, unknown] | ['r', unknown, unknown] | ['w', unknown, unknown]

export type KvCommand =
  | { op: 'write'; key: unknown; value: unknown }
  | { op: 'cas'; key: unknown; from: unknown; to: unknown }
  | { op: 'append'; key: unknown; value: unknown }
  | { op: 'add'; key: unknown; value: unknown }
  | { op: 'incr'; key: unknown; delta: number; floor: number | null }
  | { op: 'pop'; key: unknown; request?: string }
  | { op: 'settle-dequeues'; key: unknown }
  | { op: 'transfer'; from: unknown; to: unknown; amount: number; floor: number | null }
  | { op: 'txn'; ops: MicroOp[] }

export type KvResult = { ok: true; value?: unknown } | { ok: false; error: 'cas-mismatch' | 'type-mismatch' | 'insufficient-funds' | 'dequeue-settled'; message?: string }

export const keyOf = (key: unknown): string => JSON.stringify(key ?? null)
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
const typeMismatch = (k: string, what: string): KvResult => ({ ok: false, error: 'type-mismatch', message: `key ${k} holds ${what}` })
/** Where the value a pop with `request` took from the list at key `k` is recorded (see the header). */
const takenKey = (k: string, request: string): string => `#dequeue ${k} ${request}`
const takenPrefix = (k: string): string => `#dequeue ${k} `
/** Present once the key's dequeue requests are settled. */
const settledKey = (k: string): string => `#settled ${k}`

export class KvMap {
  private kv = new Map<string, unknown>()

  read(key: unknown): unknown {
    return this.kv.get(keyOf(key)) ?? null
  }

  /** Every key's value at one moment: the store changes only between commands. */
  readMany(keys: readonly unknown[]): unknown[] {
    return keys.map((k) => this.read(k))
  }

  get size(): number {
    return this.kv.size
  }

  apply(command: KvCommand): KvResult {
    if (command.op === 'txn') return this.applyTxn(command.ops)
    if (command.op === 'transfer') return this.transfer(command)
    const k = keyOf(command.key)
    const current = this.kv.get(k) ?? null
    switch (command.op) {
      case 'write':
        this.kv.set(k, command.value)
        return { ok: true }
      case 'cas':
        if (!same(current, command.from)) return { ok: false, error: 'cas-mismatch' }
        this.kv.set(k, command.to)
        return { ok: true }
      case 'append':
      case 'add': {
        if (current !== null && !Array.isArray(current)) return typeMismatch(k, 'a non-list')
        const list = (current as unknown[] | null) ?? []
        if (command.op === 'add' && list.some((e) => same(e, command.value))) return { ok: true }
        this.kv.set(k, [...list, command.value])
        return { ok: true }
      }
      case 'incr': {
        if (current !== null && typeof current !== 'number') return typeMismatch(k, 'a non-number')
        const next = ((current as number | null) ?? 0) + command.delta
        if (command.floor !== null && next < command.floor) return { ok: false, error: 'insufficient-funds', message: `key ${k} would fall to ${next}` }
        this.kv.set(k, next)
        return { ok: true, value: next }
      }
      case 'pop': {
        const request = command.request
        if (request !== undefined) {
          const taken = takenKey(k, request)
          if (this.kv.has(taken)) return { ok: true, value: this.kv.get(taken) }
          if (this.kv.has(settledKey(k))) return { ok: false, error: 'dequeue-settled', message: `dequeue requests on key ${k} are settled; ${request} took nothing` }
        }
        if (current !== null && !Array.isArray(current)) return typeMismatch(k, 'a non-list')
        const list = (current as unknown[] | null) ?? []
        const value = list.length === 0 ? null : list[0]
        if (list.length > 0) this.kv.set(k, list.slice(1))
        if (request !== undefined) this.kv.set(takenKey(k, request), value)
        return { ok: true, value }
      }
      case 'settle-dequeues': {
        this.kv.set(settledKey(k), true)
        const prefix = takenPrefix(k)
        const records: Record<string, unknown> = {}
        for (const [key, value] of this.kv) {
          // Requests that found the list empty took nothing, as those never applied: left out.
          if (value !== null && key.startsWith(prefix)) Object.defineProperty(records, key.slice(prefix.length), { value, enumerable: true })
        }
        return { ok: true, value: records }
      }
    }
  }

  private transfer(t: Extract<KvCommand, { op: 'transfer' }>): KvResult {
    const [from, to] = [keyOf(t.from), keyOf(t.to)]
    const a = this.kv.get(from) ?? null
    const b = this.kv.get(to) ?? null
    if (typeof a !== 'number' || typeof b !== 'number') return typeMismatch(typeof a !== 'number' ? from : to, 'no balance')
    if (t.floor !== null && a - t.amount < t.floor) return { ok: false, error: 'insufficient-funds', message: `key ${from} holds ${a}` }
    this.kv.set(from, a - t.amount)
    this.kv.set(to, b + t.amount)
    return { ok: true }
  }

  /**
   * All micro-ops or none: effects go to a scratch map first and are copied in
   * only if every op succeeded. Reads see the txn's own earlier writes.
   */
  private applyTxn(ops: readonly MicroOp[]): KvResult {
    const { result, effects } = this.evaluateTxn(ops)
    for (const [k, v] of effects) this.kv.set(k, v)
    return result
  }

  /**
   * A transaction's result on the state as it is now, changing nothing: a
   * read-only transaction is answered so (every read at one moment), and what
   * it writes is left to whoever applies it.
   */
  previewTxn(ops: readonly MicroOp[]): KvResult {
    return this.evaluateTxn(ops).result
  }

  private evaluateTxn(ops: readonly MicroOp[]): { result: KvResult; effects: Map<string, unknown> } {
    const scratch = new Map<string, unknown>()
    const get = (k: string): unknown => (scratch.has(k) ? scratch.get(k) : (this.kv.get(k) ?? null))
    const out: MicroOp[] = []
    for (const [f, key, value] of ops) {
      const k = keyOf(key)
      if (f === 'r') {
        out.push(['r', key, get(k)])
      } else if (f === 'w') {
        scratch.set(k, value)
        out.push(['w', key, value])
      } else {
        const current = get(k)
        if (current !== null && !Array.isArray(current)) return { result: typeMismatch(k, 'a non-list'), effects: new Map() }
        scratch.set(k, [...((current as unknown[] | null) ?? []), value])
        out.push(['append', key, value])
      }
    }
    return { result: { ok: true, value: out }, effects: scratch }
  }

  entries(): [string, unknown][] {
    return [...this.kv.entries()]
  }

  restore(entries: readonly [string, unknown][]): void {
    this.kv = new Map(entries)
  }
}

/** A transaction that only reads: it changes nothing wherever it is evaluated. */
export const isReadOnlyTxn = (ops: readonly MicroOp[]): boolean => ops.every(([f]) => f === 'r')

/** Checks a client's micro-op list before it goes into the log. */
export function isMicroOpList(ops: unknown): ops is MicroOp[] {
  return Array.isArray(ops) && ops.every((o) => Array.isArray(o) && o.length === 3 && (o[0] === 'append' || o[0] === 'r' || o[0] === 'w'))
}

/** The routes that change state, and the command each body makes. */
export const COMMAND_ROUTES = ['/kv/write', '/kv/cas', '/kv/append', '/kv/add', '/kv/incr', '/kv/pop', '/kv/settle-dequeues', '/kv/transfer', '/kv/txn'] as const
export type CommandRoute = (typeof COMMAND_ROUTES)[number]

const finite = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadRequest(`${what} must be a number`)
  return v
}
const floorOf = (v: unknown): number | null => (v === undefined || v === null ? null : finite(v, 'floor'))

/** The command a client's request body asks for (BadRequest when it is malformed: certainly no effect). */
export function commandOf(route: CommandRoute, body: Record<string, unknown>): KvCommand {
  const key = (): unknown => {
    if (!('key' in body)) throw new BadRequest(`${route} needs a key`)
    return body.key
  }
  switch (route) {
    case '/kv/write':
      return { op: 'write', key: key(), value: body.value ?? null }
    case '/kv/cas':
      return { op: 'cas', key: key(), from: body.from ?? null, to: body.to ?? null }
    case '/kv/append':
      return { op: 'append', key: key(), value: body.value ?? null }
    case '/kv/add':
      return { op: 'add', key: key(), value: body.value ?? null }
    case '/kv/incr':
      return { op: 'incr', key: key(), delta: finite(body.delta ?? 1, 'delta'), floor: floorOf(body.floor) }
    case '/kv/pop': {
      const request = body.request
      if (request === undefined || request === null) return { op: 'pop', key: key() }
      if (typeof request !== 'string' || request.length === 0 || request.length > 200) throw new BadRequest('request must be a string of 1 to 200 characters')
      return { op: 'pop', key: key(), request }
    }
    case '/kv/settle-dequeues':
      return { op: 'settle-dequeues', key: key() }
    case '/kv/transfer': {
      if (!('from' in body) || !('to' in body) || same(body.from, body.to)) throw new BadRequest('/kv/transfer needs two different keys, from and to')
      const amount = finite(body.amount, 'amount')
      if (amount <= 0) throw new BadRequest('amount must be positive')
      return { op: 'transfer', from: body.from, to: body.to, amount, floor: floorOf(body.floor) }
    }
    case '/kv/txn':
      if (!isMicroOpList(body.ops)) throw new BadRequest(`/kv/txn needs ops: a list of ['append'|'r'|'w', key, value]`)
      return { op: 'txn', ops: body.ops }
  }
}

/** The key of a /kv/read body. */
export function readKeyOf(body: Record<string, unknown>): unknown {
  if (!('key' in body)) throw new BadRequest('/kv/read needs a key')
  return body.key
}

/** The keys of a /kv/read-many body. */
export function keysOf(body: Record<string, unknown>): unknown[] {
  if (!Array.isArray(body.keys)) throw new BadRequest('/kv/read-many needs keys: a list')
  return body.keys
}
