import { describe, expect, it } from 'vitest'
import { ABORT_EVERY, LIST, REGISTER, TxnAborted, TxnStore } from '../../../../targets/memory/isolation.js'

describe('memory transactional store (isolation levels)', () => {
  it('serializable: of two transactions that each read what the other writes, the second to commit aborts (no write skew)', () => {
    const db = new TxnStore('serializable', REGISTER)
    const a = db.begin()
    const b = db.begin()
    expect([a.read('x'), b.read('y')]).toEqual([null, null])
    a.write('y', 1)
    b.write('x', 1)
    a.commit()
    expect(() => b.commit()).toThrow(/key "?x"?, which it read, was changed|serialization failure/)
    const c = db.begin()
    expect([c.read('x'), c.read('y')]).toEqual([null, 1])
  })

  it('snapshot isolation: both commit (write skew), but two writers of one key do not (first committer wins)', () => {
    const db = new TxnStore('snapshot-isolation', REGISTER)
    const a = db.begin()
    const b = db.begin()
    a.read('x')
    b.read('y')
    a.write('y', 1)
    b.write('x', 1)
    a.commit()
    b.commit()
    const c = db.begin()
    const d = db.begin()
    c.write('x', 2)
    d.write('x', 3)
    c.commit()
    expect(() => d.commit()).toThrow(TxnAborted)
    expect(db.begin().read('x')).toBe(2)
  })

  it('snapshot isolation and serializable read one snapshot, with the transaction\'s own writes on top', () => {
    const db = new TxnStore('serializable', LIST)
    const a = db.begin()
    expect(a.read('k')).toEqual([])
    const b = db.begin()
    b.write('k', 1)
    b.commit()
    a.write('j', 5)
    expect(a.read('k')).toEqual([])
    expect(a.read('j')).toEqual([5])
    a.abort()
    expect(db.begin().read('k')).toEqual([1])
  })

  it('read committed: each read sees the latest commit (read skew), and a second writer of a locked key aborts', () => {
    const db = new TxnStore('read-committed', REGISTER)
    const a = db.begin()
    expect(a.read('x')).toBeNull()
    const b = db.begin()
    b.write('x', 1)
    b.write('y', 1)
    expect(a.read('y')).toBeNull() // not committed yet: no dirty read
    b.commit()
    expect(a.read('y')).toBe(1) // committed: seen, though x was read before it
    const c = db.begin()
    const d = db.begin()
    c.write('z', 1)
    expect(() => d.write('z', 2)).toThrow(/holds the write lock on key z/)
    d.abort()
    c.commit()
    expect(db.begin().read('z')).toBe(1)
  })

  it('read committed: appends land on the value the transaction saw after its first write', () => {
    const db = new TxnStore('read-committed', LIST)
    const a = db.begin()
    expect(a.read('k')).toEqual([])
    const b = db.begin()
    b.write('k', 1)
    b.commit()
    a.write('k', 2)
    expect(a.read('k')).toEqual([1, 2])
    a.commit()
    expect(db.begin().read('k')).toEqual([1, 2])
  })

  it('read uncommitted: a write is seen before it commits, and an abort takes it back after it was read', () => {
    const db = new TxnStore('read-uncommitted', LIST)
    const a = db.begin()
    a.write('k', 1)
    const b = db.begin()
    expect(b.read('k')).toEqual([1])
    expect(() => b.write('k', 2)).toThrow(/holds the write lock/)
    b.abort()
    a.abort()
    expect(db.begin().read('k')).toEqual([])
  })

  it(`aborts one writing transaction in ${ABORT_EVERY} at commit, at every level, and keeps none of its writes`, () => {
    for (const level of ['serializable', 'snapshot-isolation', 'read-committed', 'read-uncommitted'] as const) {
      const db = new TxnStore(level, LIST)
      const outcomes: boolean[] = []
      for (let i = 1; i <= 2 * ABORT_EVERY; i++) {
        const t = db.begin()
        t.write('k', i)
        try {
          t.commit()
          outcomes.push(true)
        } catch (e) {
          expect(e).toBeInstanceOf(TxnAborted)
          outcomes.push(false)
        }
        // Read-only transactions are never chosen.
        db.begin().commit()
      }
      const committed = outcomes.flatMap((ok, i) => (ok ? [i + 1] : []))
      expect(committed).toHaveLength(2 * ABORT_EVERY - 2)
      expect(db.begin().read('k')).toEqual(committed)
    }
  })
})
