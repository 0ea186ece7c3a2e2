// `--dry-run` plans are pinned: the same seed and options must print the same
// schedule, byte for byte, whatever the nemesis code is refactored into.
// test/fixtures/dry-run/plans.json holds plans printed by an earlier version.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { simulate } from '../../../core/generator/index.js'
import { parseSpec } from '../../../core/spec.js'
import type { Cluster } from '../../../control/remote.js'
import { buildNemesisPackage, nemesisContext, nemesisRandom, planFor } from '../../../run/nemeses.js'
import { memoryTarget } from '../../../targets/memory/index.js'
import { raftKvTarget } from '../../../targets/raft-kv/index.js'

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

describe('the run nemesis', () => {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5']
  /** Only the node list of a cluster: planning never touches a node (a stand-in, no Docker). */
  const cluster = { runId: 'unit', nodes: nodes.map((name, i) => ({ name, address: `10.0.0.${i + 1}` })) } as unknown as Cluster

  it("one context: the schedule's own stream, and the target's primaries when it can name them", () => {
    const context = nemesisContext(cluster, 11, raftKvTarget)
    expect(context.cluster).toBe(cluster)
    expect(context.random.nextU32()).toBe(nemesisRandom(11).nextU32())
    expect(typeof context.primaries).toBe('function')
    expect(nemesisContext(cluster, 11, memoryTarget).primaries).toBeUndefined()
  })

  it('the package built on that context runs the very plan --dry-run prints', () => {
    const spec = parseSpec({ nemesis: 'partition,clock,kill', nemesisInterval: 4, timeLimit: 60 })
    const pkg = buildNemesisPackage(spec, raftKvTarget, nemesisContext(cluster, 11, raftKvTarget))
    const history = simulate(pkg.generator, { concurrency: 2, seed: 99, untilNs: 60e9, completeAfterNs: 1e6 })
    const printed = planFor(spec, 11).split('\n').slice(1, -2)
    const ran = history.filter((op) => op.type === 'invoke').map((op) => `${op.f} ${JSON.stringify(op.value)}`)
    expect(printed.length).toBeGreaterThan(10)
    expect(ran).toEqual(printed.map((line) => line.trim().replace(/^\S+s\s+(\S+)\s+/, '$1 ')))
  })
})
