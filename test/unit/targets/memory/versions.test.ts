import { describe, expect, it } from 'vitest'
import { VersionedStore } from '../../../../targets/memory/versions.js'

describe('memory versioned store', () => {
  it('reads as of a snapshot or the latest, and installs a commit\'s writes at one timestamp', () => {
    const s = new VersionedStore(null)
    const before = s.snapshot()
    const ts = s.commit(new Map([['x', 1], ['y', 1]]))
    expect(ts).toBe(1)
    expect([s.read('x', before), s.read('y', before)]).toEqual([null, null])
    expect([s.read('x'), s.read('y'), s.read('z')]).toEqual([1, 1, null])
    expect([s.changedAt('x'), s.changedAt('z'), s.now()]).toEqual([1, 0, 1])
    expect(s.commit(new Map())).toBe(1)
  })

  it('keeps the versions open snapshots can read, and drops the rest once they are released', () => {
    const s = new VersionedStore(0)
    s.commit(new Map([['x', 1]]))
    const old = s.snapshot()
    s.commit(new Map([['x', 2]]))
    s.commit(new Map([['x', 3]]))
    expect([s.read('x', old), s.read('x')]).toEqual([1, 3])
    s.release(old)
    s.commit(new Map([['x', 4]]))
    // No snapshot is open: only the latest version is kept, and an old timestamp reads the initial value.
    expect([s.read('x', old), s.read('x')]).toEqual([0, 4])
  })
})
