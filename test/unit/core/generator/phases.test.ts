import { describe, expect, it } from 'vitest'
import { clients, nemesis, phases, repeat, simulate, synchronize } from '../../../../core/generator/index.js'
import { fs, invokes } from './helpers.js'

describe('phases', () => {
  it('starts the next phase only after every op of the previous one completed', () => {
    let k = 0
    const h = simulate(phases(repeat(10, { f: 'write' }), repeat(5, { f: 'read' })), {
      concurrency: 4,
      seed: 3,
      completeAfterNs: () => 1e6 * (1 + (k++ % 5)), // uneven latencies
    })
    const lastWriteDone = Math.max(...h.filter((op) => op.f === 'write' && op.type !== 'invoke').map((op) => op.index))
    const firstRead = h.findIndex((op) => op.f === 'read')
    expect(firstRead).toBeGreaterThan(lastWriteDone)
    expect(fs(h)).toEqual([...Array(10).fill('write'), ...Array(5).fill('read')])
    // Within a phase ops do overlap.
    expect(h[1]?.type).toBe('invoke')
  })

  it('without phases, the second generator starts while the first is in flight', () => {
    const h = simulate([repeat(3, { f: 'write' }), { f: 'read' }], { concurrency: 4, seed: 3, completeAfterNs: 1e6 })
    expect(h.findIndex((op) => op.f === 'read')).toBe(3)
  })

  it('waits for the nemesis too, unless restricted to clients', () => {
    const slowKill = { completeAfterNs: (op: { f: string }) => (op.f === 'kill' ? 50e6 : 1e6) }
    const all = simulate([nemesis({ f: 'kill' }), synchronize({ f: 'read' })], { concurrency: 2, seed: 1, ...slowKill })
    expect(invokes(all).find((op) => op.f === 'read')?.time).toBe(50e6)
    const onlyClients = simulate([nemesis({ f: 'kill' }), clients(synchronize({ f: 'read' }))], { concurrency: 2, seed: 1, ...slowKill })
    expect(invokes(onlyClients).find((op) => op.f === 'read')?.time).toBe(0)
  })

  it('a phase that emits nothing still synchronises', () => {
    const h = simulate([nemesis({ f: 'kill' }), phases(null), { f: 'read' }], {
      concurrency: 1,
      seed: 1,
      completeAfterNs: (op) => (op.f === 'kill' ? 10e6 : 1e6),
    })
    expect(fs(h)).toEqual(['kill', 'read'])
    expect(invokes(h)[1]?.time).toBe(10e6)
  })
})
