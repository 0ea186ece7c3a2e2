// How the ZooKeeper example's client turns ZooKeeper's answers into ok, fail
// and info, with the requests it sends, against literal answers (a ZooKeeper
// server needs Docker: the e2e test runs the real one).
import { describe, expect, it } from 'vitest'
import { performRequest } from 'dstest'
import { attemptRegisterOp, Code, encode, znodeOf, type ZkAnswer, type ZkSession, type ZnodeData } from '../../../../examples/zookeeper/register.js'

type Call = [op: string, ...args: unknown[]]
const ok = <T>(value: T): ZkAnswer<T> => ({ ok: true, value })
const err = (code: number | 'no-answer', error = String(code)): ZkAnswer<never> => ({ ok: false, code, error })
const data = (value: unknown, version: number): ZkAnswer<ZnodeData> => ok({ data: encode(value), version })

/** A session that answers each request with the next scripted answer, and records what was asked. */
function scripted(...answers: ZkAnswer<unknown>[]): { zk: ZkSession; calls: Call[] } {
  const calls: Call[] = []
  const next = <T>(call: Call): Promise<ZkAnswer<T>> => {
    calls.push(call)
    const answer = answers.shift()
    if (!answer) throw new Error(`unscripted request ${call[0]}`)
    return Promise.resolve(answer as ZkAnswer<T>)
  }
  const zk: ZkSession = {
    sync: (path) => next(['sync', path]),
    getData: (path) => next(['getData', path]),
    setData: (path, d, version) => next(['setData', path, JSON.parse(d.toString()), version]),
    create: (path, d) => next(['create', path, JSON.parse(d.toString())]),
  }
  return { zk, calls }
}

describe('register reads', () => {
  it('syncs, then reads the znode; no znode reads as null', async () => {
    const a = scripted(ok(undefined), data(7, 3))
    expect(await attemptRegisterOp('read', [4, null], a.zk, true)).toEqual({ type: 'ok', value: [4, 7] })
    expect(a.calls).toEqual([
      ['sync', '/register-4'],
      ['getData', '/register-4'],
    ])
    const b = scripted(ok(undefined), err(Code.NO_NODE))
    expect(await attemptRegisterOp('read', [4, null], b.zk, true)).toEqual({ type: 'ok', value: [4, null] })
  })

  it('under no-sync, reads without syncing', async () => {
    const a = scripted(data(2, 1))
    expect(await attemptRegisterOp('read', [4, null], a.zk, false)).toEqual({ type: 'ok', value: [4, 2] })
    expect(a.calls).toEqual([['getData', '/register-4']])
  })

  it('a read that got nothing is never info: performRequest asks again, then fails it', async () => {
    const { zk } = scripted(...Array.from({ length: 5 }, () => err(Code.CONNECTION_LOSS, 'CONNECTION_LOSS')))
    const op = { type: 'invoke' as const, f: 'read', value: [4, null], process: 0, time: 0 }
    const done = await performRequest(op, { signal: new AbortController().signal, node: 'n1', readOnly: true }, () => attemptRegisterOp('read', op.value, zk, false))
    expect(done).toMatchObject({ type: 'fail', error: 'CONNECTION_LOSS' })
  })
})

describe('register writes', () => {
  it('sets the znode whatever its version, and creates it on the first write', async () => {
    const a = scripted(ok(undefined))
    expect(await attemptRegisterOp('write', [1, 5], a.zk, true)).toEqual({ type: 'ok', value: [1, 5] })
    expect(a.calls).toEqual([['setData', '/register-1', 5, -1]])
    const b = scripted(err(Code.NO_NODE), ok(undefined))
    expect(await attemptRegisterOp('write', [1, 5], b.zk, true)).toEqual({ type: 'ok', value: [1, 5] })
    expect(b.calls.map((c) => c[0])).toEqual(['setData', 'create'])
    // Created by another client between the two: set it again.
    const c = scripted(err(Code.NO_NODE), err(Code.NODE_EXISTS), ok(undefined))
    expect(await attemptRegisterOp('write', [1, 5], c.zk, true)).toEqual({ type: 'ok', value: [1, 5] })
    expect(c.calls.map((x) => x[0])).toEqual(['setData', 'create', 'setData'])
  })

  it('is info when the answer may hide an applied write', async () => {
    for (const code of [Code.CONNECTION_LOSS, Code.SESSION_EXPIRED, Code.OPERATION_TIMEOUT, Code.SYSTEM_ERROR, 'no-answer'] as const) {
      expect(await attemptRegisterOp('write', [1, 5], scripted(err(code)).zk, true)).toMatchObject({ type: 'unknown' })
      // ... also when it was the create that got no answer
      expect(await attemptRegisterOp('write', [1, 5], scripted(err(Code.NO_NODE), err(code)).zk, true)).toMatchObject({ type: 'unknown' })
    }
  })

  it('completes info through performRequest, without asking again', async () => {
    const a = scripted(err(Code.CONNECTION_LOSS, 'CONNECTION_LOSS'))
    const op = { type: 'invoke' as const, f: 'write', value: [1, 5], process: 0, time: 0 }
    const done = await performRequest(op, { signal: new AbortController().signal, node: 'n1', readOnly: false }, () => attemptRegisterOp('write', op.value, a.zk, true))
    expect(done).toMatchObject({ type: 'info', error: 'CONNECTION_LOSS' })
    expect(a.calls).toHaveLength(1)
  })
})

describe('register cas', () => {
  it('swaps with the version it read, so nothing written in between is overwritten', async () => {
    const a = scripted(ok(undefined), data(3, 17), ok(undefined))
    expect(await attemptRegisterOp('cas', [2, [3, 4]], a.zk, true)).toEqual({ type: 'ok', value: [2, [3, 4]] })
    expect(a.calls).toEqual([
      ['sync', '/register-2'],
      ['getData', '/register-2'],
      ['setData', '/register-2', 4, 17],
    ])
  })

  it('fails on another value, on BadVersion, and when from is not null but there is no znode', async () => {
    const mismatch = scripted(data(9, 1))
    expect(await attemptRegisterOp('cas', [2, [3, 4]], mismatch.zk, false)).toMatchObject({ type: 'refused', retry: 'never', error: 'cas-mismatch' })
    expect(mismatch.calls).toHaveLength(1)
    expect(await attemptRegisterOp('cas', [2, [3, 4]], scripted(data(3, 1), err(Code.BAD_VERSION)).zk, false)).toMatchObject({ type: 'refused', retry: 'never' })
    expect(await attemptRegisterOp('cas', [2, [3, 4]], scripted(err(Code.NO_NODE)).zk, false)).toMatchObject({ type: 'refused', retry: 'never' })
  })

  it('from null creates the znode; NodeExists is a fail', async () => {
    const a = scripted(err(Code.NO_NODE), ok(undefined))
    expect(await attemptRegisterOp('cas', [2, [null, 1]], a.zk, false)).toEqual({ type: 'ok', value: [2, [null, 1]] })
    expect(a.calls[1]).toEqual(['create', '/register-2', 1])
    expect(await attemptRegisterOp('cas', [2, [null, 1]], scripted(err(Code.NO_NODE), err(Code.NODE_EXISTS)).zk, false)).toMatchObject({ type: 'refused', retry: 'never' })
  })

  it('a failed sync or read is not applied (asked again); a setData without an answer is info', async () => {
    expect(await attemptRegisterOp('cas', [2, [3, 4]], scripted(err(Code.CONNECTION_LOSS)).zk, true)).toMatchObject({ type: 'refused', retry: 'later' })
    expect(await attemptRegisterOp('cas', [2, [3, 4]], scripted(ok(undefined), err('no-answer')).zk, true)).toMatchObject({ type: 'refused', retry: 'later' })
    expect(await attemptRegisterOp('cas', [2, [3, 4]], scripted(data(3, 1), err(Code.CONNECTION_LOSS)).zk, false)).toMatchObject({ type: 'unknown' })
    expect(await attemptRegisterOp('cas', [2, [3, 4]], scripted(data(3, 1), err('no-answer')).zk, false)).toMatchObject({ type: 'unknown' })
  })
})

describe('znodes', () => {
  it('one per key, and a key that cannot name one is refused', () => {
    expect(znodeOf(12)).toBe('/register-12')
    expect(() => znodeOf('a/b')).toThrow(RangeError)
  })
})
