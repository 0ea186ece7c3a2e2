import { describe, expect, it } from 'vitest'
import { isolatedNodes } from '../../../nemesis/skewed-leader.js'
import { grudgeFor } from '../../../nemesis/grudge.js'
import { parseNemesisKinds, planSchedule } from '../../../nemesis/index.js'
import { Random } from '../../../core/random.js'

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5']

describe('skewed-leader nemesis', () => {
  it('finds the nodes a primaries grudge isolates', () => {
    expect(isolatedNodes(grudgeFor('primaries', nodes, new Random(1), ['n3']))).toEqual(['n3'])
    expect(isolatedNodes(grudgeFor('primaries', nodes, new Random(1), ['n2', 'n4']))).toEqual(['n2', 'n4'])
    expect(isolatedNodes({})).toEqual([])
  })

  it('plans starts that step clocks back 5-60 s and stops after them', () => {
    const plan = planSchedule(['skewed-leader'], { interval: 5 }, { seed: 3, timeLimitSeconds: 120, nodes })
    const starts = plan.filter((o) => o.f === 'start-skewed-leader')
    expect(starts.length).toBeGreaterThan(5)
    for (const s of starts) {
      const { deltaMs } = s.value as { deltaMs: number }
      expect(deltaMs).toBeLessThanOrEqual(-5000)
      expect(deltaMs).toBeGreaterThanOrEqual(-60000)
    }
    expect(plan.map((o) => o.f).filter((f, i, all) => i === 0 || f !== all[i - 1])).toEqual(plan.map((o) => o.f))
  })

  it('refuses to run alongside partition, which sets the same rules', () => {
    expect(() => parseNemesisKinds('skewed-leader,partition')).toThrow(/both set the network rules of the same nodes/)
    expect(parseNemesisKinds('skewed-leader,kill')).toEqual(['skewed-leader', 'kill'])
  })
})
