// `--dry-run` plans are pinned: the same seed and options must print the same
// schedule, byte for byte, whatever the nemesis code is refactored into.
// test/fixtures/dry-run/plans.json holds plans printed by an earlier version.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseSpec } from '../../../core/spec.js'
import { planFor } from '../../../run/nemeses.js'

interface PinnedPlan {
  seed: number
  spec: Record<string, unknown>
  plan: string
}

const pinned = JSON.parse(readFileSync(new URL('../../fixtures/dry-run/plans.json', import.meta.url), 'utf8')) as PinnedPlan[]

describe('dry-run plans', () => {
  it('pins several seeds and combined kinds', () => {
    expect(pinned.length).toBeGreaterThanOrEqual(6)
    expect(pinned.filter((p) => String(p.spec.nemesis).includes(',')).length).toBeGreaterThanOrEqual(4)
  })

  for (const p of pinned) {
    it(`seed ${p.seed}, ${JSON.stringify(p.spec)}: the same plan as pinned`, () => {
      expect(planFor(parseSpec(p.spec), p.seed)).toBe(p.plan)
    })
  }
})
