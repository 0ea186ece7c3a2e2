/**
 * The PostgreSQL example's client, its pure parts: which txn values it runs,
 * and how an error, by where the transaction was, becomes fail, info or
 * another attempt (examples/postgres/client.ts). Its SQL runs against a real
 * server in test/e2e/example-postgres.docker.test.ts.
 */
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { outcomeOf, parseTxn, sqlState } from '../../../../examples/postgres/client.js'

/** An error as the server sends it: pg's own class, with its SQLSTATE. */
function serverError(code: string, message: string): pg.DatabaseError {
  const err = new pg.DatabaseError(message, message.length, 'error')
  err.code = code
  return err
}

describe('parseTxn', () => {
  it("takes list-append's micro-operations as the workload invokes them", () => {
    expect(parseTxn([['append', 3, 7], ['r', 4, null], ['append', 4, 1]])).toEqual([['append', 3, 7], ['r', 4, null], ['append', 4, 1]])
  })

  it('refuses anything else: no micro-ops, a read with a value, a non-integer key or element, another write', () => {
    for (const value of [[], null, 'txn', [['r', 4, []]], [['append', 'k', 1]], [['append', 1, 1.5]], [['w', 1, 2]], [['append', 1]]]) {
      expect(parseTxn(value), JSON.stringify(value)).toBeUndefined()
    }
  })
})

describe('outcomeOf', () => {
  const lost = new Error('Connection terminated unexpectedly')

  it('before BEGIN nothing was sent: another attempt, later, whatever the error', () => {
    expect(outcomeOf(Object.assign(new Error('connect ECONNREFUSED 10.0.0.2:5432'), { code: 'ECONNREFUSED' }), 'connect')).toMatchObject({ type: 'refused', retry: 'later' })
    expect(outcomeOf(serverError('57P03', 'the database system is starting up'), 'connect')).toMatchObject({ type: 'refused', retry: 'later' })
  })

  it('before COMMIT was sent the transaction cannot have committed: fail, a lost connection included', () => {
    expect(outcomeOf(serverError('40001', 'could not serialize access due to concurrent update'), 'body')).toEqual({
      type: 'refused',
      retry: 'never',
      error: '40001 could not serialize access due to concurrent update',
    })
    expect(outcomeOf(serverError('40P01', 'deadlock detected'), 'body')).toMatchObject({ type: 'refused', retry: 'never' })
    expect(outcomeOf(lost, 'body')).toMatchObject({ type: 'refused', retry: 'never', error: 'Connection terminated unexpectedly' })
  })

  it('at COMMIT only a transaction-rollback SQLSTATE (class 40) is fail; a lost connection or another error is info', () => {
    expect(outcomeOf(serverError('40001', 'could not serialize access due to read/write dependencies among transactions'), 'commit')).toMatchObject({ type: 'refused', retry: 'never' })
    expect(outcomeOf(serverError('40P01', 'deadlock detected'), 'commit')).toMatchObject({ type: 'refused', retry: 'never' })
    expect(outcomeOf(lost, 'commit')).toEqual({ type: 'unknown', error: 'Connection terminated unexpectedly' })
    expect(outcomeOf(serverError('57P01', 'terminating connection due to administrator command'), 'commit')).toMatchObject({ type: 'unknown' })
    expect(outcomeOf(serverError('57P02', 'terminating connection because of crash of another server process'), 'commit')).toMatchObject({ type: 'unknown' })
  })

  it("names the server's SQLSTATE only for the server's errors", () => {
    expect(sqlState(serverError('40001', 'x'))).toBe('40001')
    expect(sqlState(lost)).toBeUndefined()
    expect(sqlState(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeUndefined()
  })
})
