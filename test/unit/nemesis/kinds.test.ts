import { describe, expect, it } from 'vitest'
import { Random } from '../../../core/random.js'
import { FAULT_KINDS } from '../../../nemesis/kinds.js'

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5']

describe('fault kinds', () => {
  it('each kind is one consistent record: its nemesis understands the ops its schedule draws and its stop', () => {
    for (const kind of FAULT_KINDS) {
      const fs = kind.nemesis({}).fs
      expect(fs, kind.name).toContain(kind.stop.f)
      const random = new Random(1)
      for (let i = 0; i < 20; i++) expect(fs, kind.name).toContain(kind.drawStart({}, nodes, random).f)
      expect(kind.description.length, kind.name).toBeGreaterThan(10)
    }
    // Processes heal before the network: a restarted node gets its rules back first.
    const rank = (name: string): number => FAULT_KINDS.find((k) => k.name === name)!.healRank
    for (const p of ['kill', 'pause']) for (const n of ['partition', 'packet', 'skewed-leader']) expect(rank(p)).toBeLessThan(rank(n))
  })
})
