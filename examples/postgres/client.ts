// The dstest side of the PostgreSQL example: one client per worker process,
// one connection per client, one SQL transaction per list-append operation
// at the run's isolation level.
//
//   invoke  txn [['append', 3, 7], ['r', 4, null]]
//   ok      txn [['append', 3, 7], ['r', 4, [1, 2, 7]]]      (reads filled in; [] for a key never appended to)
//
// Each key is a row of table `lists`, its list an integer[] column; an append
// is one INSERT ... ON CONFLICT DO UPDATE SET v = v || x, a read one SELECT.
//
// ok, fail or info, from where the transaction was when it went wrong:
//   before BEGIN (connecting)      nothing was sent              another attempt, later
//   BEGIN .. the last statement    no COMMIT was sent: the server
//                                  rolls it back, whatever the
//                                  error (a lost connection too) fail
//   at COMMIT, SQLSTATE class 40   40001 serialization failure,
//                                  40P01 deadlock: rolled back   fail
//   at COMMIT, anything else       a lost connection, a timeout,
//                                  a shutdown: it may have
//                                  committed                     info
// A transaction of reads only changes nothing: performRequest tries it again
// instead of answering info.
import pg from 'pg'
import { performRequest, type AttemptOutcome, type Client, type Completion, type Invocation, type RequestAttempt } from 'dstest'

export const PORT = 5432

export const ISOLATION_LEVELS = {
  serializable: 'SERIALIZABLE',
  'repeatable-read': 'REPEATABLE READ',
  'read-committed': 'READ COMMITTED',
} as const
export type Isolation = keyof typeof ISOLATION_LEVELS

export const SCHEMA = 'CREATE TABLE IF NOT EXISTS lists (k integer PRIMARY KEY, v integer[] NOT NULL)'
const APPEND = 'INSERT INTO lists AS l (k, v) VALUES ($1, ARRAY[$2::integer]) ON CONFLICT (k) DO UPDATE SET v = l.v || $2::integer'
const READ = 'SELECT v FROM lists WHERE k = $1'

/** How long one attempt may take: under the runner's --op-timeout (5 s by default), so the client decides fail or info, not the runner. */
export const ATTEMPT_MS = 4000

export type MicroOp = ['append', number, number] | ['r', number, null]
/** Where a transaction was when it went wrong. */
export type Stage = 'connect' | 'body' | 'commit'

/** The micro-operations of a txn value, or undefined when it is not one this client runs. */
export function parseTxn(value: unknown): MicroOp[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined
  const mops: MicroOp[] = []
  for (const m of value as unknown[]) {
    if (!Array.isArray(m) || m.length !== 3 || !Number.isInteger(m[1])) return undefined
    if (m[0] === 'append' && Number.isInteger(m[2])) mops.push(['append', m[1] as number, m[2] as number])
    else if (m[0] === 'r' && m[2] === null) mops.push(['r', m[1] as number, null])
    else return undefined
  }
  return mops
}

/** The SQLSTATE of an error the server sent, or undefined when the server sent none (a lost connection, a timeout). */
export function sqlState(err: unknown): string | undefined {
  return err instanceof pg.DatabaseError && typeof err.code === 'string' ? err.code : undefined
}

const describe = (err: unknown): string => {
  const state = sqlState(err)
  const message = err instanceof Error ? err.message : String(err)
  return state === undefined ? message : `${state} ${message}`
}

/** What an error at `stage` says about the transaction (the table at the top of this file). */
export function outcomeOf(err: unknown, stage: Stage): AttemptOutcome {
  const error = describe(err)
  switch (stage) {
    case 'connect':
      // Refused, timed out, or the server is still recovering (57P03): no transaction was begun.
      return { type: 'refused', error, retry: 'later' }
    case 'body':
      return { type: 'refused', error, retry: 'never' }
    case 'commit':
      return sqlState(err)?.startsWith('40') ? { type: 'refused', error, retry: 'never' } : { type: 'unknown', error }
  }
}

class Timeout extends Error {}

export class PgListAppendClient implements Client {
  private conn: pg.Client | undefined

  constructor(
    private readonly node: string,
    private readonly host: string,
    private readonly isolation: Isolation,
  ) {}

  async invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    const txn = op.f === 'txn' ? parseTxn(op.value) : undefined
    if (!txn) return { type: 'fail', value: op.value, node: this.node, error: "this client runs txn [['append', k, v] | ['r', k, null], ...] only" }
    const readOnly = txn.every((m) => m[0] === 'r')
    return performRequest(op, { signal, node: this.node, readOnly, timeoutMs: ATTEMPT_MS }, (attempt) => this.attempt(txn, attempt))
  }

  private async attempt(txn: MicroOp[], { signal, deadline }: RequestAttempt): Promise<AttemptOutcome> {
    let stage: Stage = 'connect'
    let conn: pg.Client | undefined
    try {
      conn = await this.connection(deadline, signal)
      stage = 'body'
      await this.query(conn, `BEGIN ISOLATION LEVEL ${ISOLATION_LEVELS[this.isolation]}`, [], deadline, signal)
      const out: unknown[] = []
      for (const [f, k, v] of txn) {
        if (f === 'r') {
          const rows = (await this.query(conn, READ, [k], deadline, signal)).rows as { v: number[] }[]
          out.push(['r', k, rows[0]?.v ?? []])
        } else {
          await this.query(conn, APPEND, [k, v], deadline, signal)
          out.push([f, k, v])
        }
      }
      stage = 'commit'
      const result = await this.query(conn, 'COMMIT', [], deadline, signal)
      // COMMIT of a transaction the server had already aborted answers ROLLBACK.
      if (result.command !== 'COMMIT') return { type: 'refused', error: `COMMIT answered ${result.command}`, retry: 'never' }
      return { type: 'ok', value: out }
    } catch (err) {
      if (conn) await this.afterError(conn, err, stage)
      return outcomeOf(err, stage)
    }
  }

  /** The open connection, or a new one. */
  private async connection(deadline: number, signal: AbortSignal): Promise<pg.Client> {
    if (this.conn) return this.conn
    const conn = new pg.Client({
      host: this.host,
      port: PORT,
      user: 'postgres',
      database: 'postgres',
      connectionTimeoutMillis: Math.max(1, deadline - Date.now()),
      keepAlive: true,
      application_name: `dstest-${this.node}`,
    })
    // An idle connection that breaks emits 'error': forget it, the next operation opens another.
    conn.on('error', () => this.discard(conn))
    conn.on('end', () => this.discard(conn))
    try {
      await this.bounded(conn, conn.connect(), deadline, signal)
    } catch (err) {
      this.discard(conn)
      throw err
    }
    this.conn = conn
    return conn
  }

  private query(conn: pg.Client, text: string, values: unknown[], deadline: number, signal: AbortSignal): Promise<pg.QueryResult> {
    return this.bounded(conn, conn.query(text, values), deadline, signal)
  }

  /** `work`, or a Timeout at the deadline or on abort; either way the connection is then closed, so nothing it carried goes on. */
  private bounded<T>(conn: pg.Client, work: Promise<T>, deadline: number, signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const give = (why: string): void => {
        cleanup()
        this.discard(conn)
        reject(new Timeout(why))
      }
      const onAbort = (): void => give('aborted by the runner')
      const timer = setTimeout(() => give(`no answer within ${ATTEMPT_MS} ms`), Math.max(0, deadline - Date.now()))
      const cleanup = (): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
      }
      if (signal.aborted) return give('aborted by the runner')
      signal.addEventListener('abort', onAbort, { once: true })
      work.then(
        (v) => {
          cleanup()
          resolve(v)
        },
        (e: unknown) => {
          cleanup()
          reject(e)
        },
      )
    })
  }

  /** After a SQL error the connection is good once rolled back; after anything else it is dropped. */
  private async afterError(conn: pg.Client, err: unknown, stage: Stage): Promise<void> {
    if (sqlState(err) === undefined || err instanceof Timeout) return this.discard(conn)
    if (stage === 'commit') return // the transaction is over either way
    try {
      await this.bounded(conn, conn.query('ROLLBACK'), Date.now() + 1000, new AbortController().signal)
    } catch {
      this.discard(conn)
    }
  }

  private discard(conn: pg.Client): void {
    if (this.conn === conn) this.conn = undefined
    // Destroying the socket ends a query in flight at once (end() would wait for the server's answer).
    conn.connection.stream.destroy()
  }

  async close(): Promise<void> {
    if (this.conn) this.discard(this.conn)
  }
}
