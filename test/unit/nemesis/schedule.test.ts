import { describe, expect, it } from 'vitest'
import { simulate } from '../../../core/generator/index.js'
import { Random } from '../../../core/random.js'
import { isDstestError } from '../../../core/errors.js'
import type { Cluster } from '../../../control/remote.js'
import { buildNemesis, describeNemesis, FAULT_KINDS, listNemesisKinds, parseNemesisKinds, planSchedule } from '../../../nemesis/index.js'
import { formatPlannedOp } from '../../../nemesis/schedule.js'
import { selectNodes } from '../../../nemesis/selection.js'

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5']
/** Only the node list of a cluster: the schedule never touches a node (a stand-in, no Docker). */
const clusterStandIn = { runId: 'unit', nodes: nodes.map((name, i) => ({ name, address: `10.0.0.${i + 1}` })) } as unknown as Cluster

describe('fault schedules', () => {
  it('the same seed gives the same plan, another seed another plan', () => {
    const a = planSchedule(['partition', 'kill'], { interval: 5 }, { seed: 7, timeLimitSeconds: 120, nodes })
    const b = planSchedule(['partition', 'kill'], { interval: 5 }, { seed: 7, timeLimitSeconds: 120, nodes })
    const c = planSchedule(['partition', 'kill'], { interval: 5 }, { seed: 8, timeLimitSeconds: 120, nodes })
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    expect(a.length).toBeGreaterThan(20)
  })

  it('each kind alternates start and stop, waits within [0.5, 1.5) × interval, and all ops fall in the time limit', () => {
    const plan = planSchedule(['partition', 'packet', 'clock', 'kill', 'pause'], { interval: 10 }, { seed: 3, timeLimitSeconds: 300, nodes })
    expect(plan.every((op, i) => i === 0 || op.time >= plan[i - 1]!.time)).toBe(true)
    expect(plan.every((op) => op.time < 300e9)).toBe(true)
    const pairs: [string[], string][] = [
      [['start-partition'], 'stop-partition'],
      [['start-packet'], 'stop-packet'],
      [['bump-clock', 'strobe-clock'], 'reset-clock'],
      [['kill'], 'start'],
      [['pause'], 'resume'],
    ]
    for (const [starts, stop] of pairs) {
      const ops = plan.filter((op) => starts.includes(op.f) || op.f === stop)
      expect(ops.length).toBeGreaterThan(4)
      ops.forEach((op, i) => expect(i % 2 === 0 ? starts.includes(op.f) : op.f === stop).toBe(true))
      ops.forEach((op, i) => {
        const gap = op.time - (i === 0 ? 0 : ops[i - 1]!.time)
        expect(gap).toBeGreaterThanOrEqual(5e9)
        expect(gap).toBeLessThan(15e9)
      })
    }
  })

  it('kinds overlap: another fault starts while a partition is on', () => {
    const plan = planSchedule(['partition', 'kill'], { interval: 10 }, { seed: 1, timeLimitSeconds: 600, nodes })
    let partitioned = false
    let overlapped = false
    for (const op of plan) {
      if (op.f === 'start-partition') partitioned = true
      if (op.f === 'stop-partition') partitioned = false
      if (op.f === 'kill' && partitioned) overlapped = true
    }
    expect(overlapped).toBe(true)
  })

  it('adding a kind does not change the decisions of the others', () => {
    const only = planSchedule(['partition'], {}, { seed: 5, timeLimitSeconds: 200, nodes })
    const both = planSchedule(['partition', 'clock'], {}, { seed: 5, timeLimitSeconds: 200, nodes }).filter((op) => op.f.includes('partition'))
    expect(both).toEqual(only)
  })

  it('planned partitions carry their grudge; primaries are left to the moment they apply', () => {
    const plan = planSchedule(['partition'], { partition: ['majorities-ring', 'primaries'] }, { seed: 2, timeLimitSeconds: 600, nodes })
    const starts = plan.filter((op) => op.f === 'start-partition').map((op) => op.value as { topology: string; grudge?: object })
    expect(starts.some((v) => v.topology === 'primaries' && v.grudge === undefined)).toBe(true)
    expect(starts.some((v) => v.topology === 'majorities-ring' && v.grudge !== undefined)).toBe(true)
    const explicit = planSchedule(['partition'], { partition: { n1: ['n2'], n2: ['n1'] } }, { seed: 2, timeLimitSeconds: 30, nodes })
    expect(explicit[0]?.value).toEqual({ topology: 'grudge', grudge: { n1: ['n2'], n2: ['n1'] } })
  })

  it('targets decide which nodes kill/pause/clock/packet faults hit', () => {
    for (const [targets, sizes] of [
      ['one', [1]],
      ['minority', [1, 2]],
      ['majority', [3]],
      ['all', [5]],
    ] as const) {
      const plan = planSchedule(['kill'], { targets }, { seed: 4, timeLimitSeconds: 300, nodes })
      for (const op of plan.filter((o) => o.f === 'kill')) expect(sizes).toContain((op.value as { nodes: string[] }).nodes.length)
    }
    const prim = planSchedule(['pause'], { targets: 'primaries' }, { seed: 4, timeLimitSeconds: 60, nodes })
    expect(prim.find((o) => o.f === 'pause')?.value).toEqual({ nodes: 'primaries' })
    expect(selectNodes('primaries', nodes, new Random(1), ['n3', 'n9'])).toEqual(['n3'])
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

  it('formats a planned op as one line', () => {
    expect(formatPlannedOp({ time: 12_345_000_000, f: 'kill', value: { nodes: ['n2'] } })).toBe('   12.345s  kill             {"nodes":["n2"]}')
  })
})
