import { describe, expect, it } from 'vitest'
import { simulate } from '../../../core/generator/index.js'
import { Random } from '../../../core/random.js'
import { isDstestError } from '../../../core/errors.js'
import type { Cluster } from '../../../control/remote.js'
import { buildNemesis, describeNemesis, listNemesisKinds, parseNemesisKinds, planSchedule } from '../../../nemesis/index.js'

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5']
/** Only the node list of a cluster: the schedule never touches a node (a stand-in, no Docker). */
const clusterStandIn = { runId: 'unit', nodes: nodes.map((name, i) => ({ name, address: `10.0.0.${i + 1}` })) } as unknown as Cluster

describe('nemesis packages by name', () => {
  it('registry and --nemesis parsing', () => {
    expect(listNemesisKinds().map((n) => n.name)).toEqual(['none', 'partition', 'packet', 'clock', 'kill', 'pause', 'skewed-leader'])
    expect(parseNemesisKinds('kill, partition,kill')).toEqual(['kill', 'partition'])
    expect(parseNemesisKinds('none')).toEqual([])
    const unknown = (() => {
      try {
        parseNemesisKinds('partition,chaos')
      } catch (e) {
        return e
      }
    })()
    expect(isDstestError(unknown) && unknown.code).toBe('E_UNKNOWN_NAME')
    expect(() => parseNemesisKinds('none,kill')).toThrow(/cannot be combined/)
    expect(describeNemesis([])).toBe('no faults')
    expect(describeNemesis(['kill'])).toMatch(/^kill: /)
  })

  it('the live generator emits exactly the planned ops on the nemesis thread (same random stream)', () => {
    const kinds = parseNemesisKinds('partition,clock,kill')
    const options = { interval: 4 }
    const plan = planSchedule(kinds, options, { seed: 11, timeLimitSeconds: 60, nodes })
    const pkg = buildNemesis(kinds, options, { cluster: clusterStandIn, random: new Random(11) })
    const history = simulate(pkg.generator, { concurrency: 2, seed: 99, untilNs: 60e9, completeAfterNs: 1e6 })
    const invokes = history.filter((op) => op.type === 'invoke')
    expect(invokes.every((op) => op.process === 'nemesis')).toBe(true)
    expect(invokes.map((op) => ({ f: op.f, value: op.value }))).toEqual(plan.map(({ f, value }) => ({ f, value })))
    // Never before its planned time; later only while the previous fault was still being applied.
    invokes.forEach((op, i) => {
      expect(op.time).toBeGreaterThanOrEqual(plan[i]!.time)
      expect(op.time - plan[i]!.time).toBeLessThan(2e6)
    })
  })

  it('the final generator undoes every kind', () => {
    const pkg = buildNemesis(parseNemesisKinds('kill,partition,clock,pause,packet'), {}, { cluster: clusterStandIn, random: new Random(1) })
    const history = simulate(pkg.finalGenerator, { concurrency: 1, seed: 1 })
    expect(history.filter((o) => o.type === 'invoke').map((o) => o.f)).toEqual(['start', 'stop-partition', 'reset-clock', 'resume', 'stop-packet'])
  })
})
