/** The PostgreSQL example's target option: targetOptions.isolation (examples/postgres/target.ts). */
import { describe, expect, it } from 'vitest'
import { UsageError } from 'dstest'
import { isolationOf } from '../../../../examples/postgres/target.js'

describe('isolationOf (targetOptions.isolation)', () => {
  it('is serializable unless given, and takes the three levels PostgreSQL distinguishes', () => {
    expect(isolationOf({})).toBe('serializable')
    for (const level of ['serializable', 'repeatable-read', 'read-committed']) expect(isolationOf({ isolation: level })).toBe(level)
  })

  it('refuses another level or another option with a usage error (exit 3)', () => {
    expect(() => isolationOf({ isolation: 'read-uncommitted' })).toThrow(/targetOptions.isolation is "read-uncommitted"/)
    expect(() => isolationOf({ isolaton: 'serializable' })).toThrow(/unknown targetOptions isolaton/)
    const err = ((): unknown => {
      try {
        isolationOf({ isolation: 3 })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(UsageError)
    expect((err as UsageError).exitCode).toBe(3)
  })
})
