import { describe, expect, it } from 'vitest'
import { Random } from '../../../core/random.js'
import { planSchedule } from '../../../nemesis/index.js'
import { formatPlannedOp } from '../../../nemesis/schedule.js'
import { selectNodes } from '../../../nemesis/selection.js'

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5']

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

  it('formats a planned op as one line', () => {
    expect(formatPlannedOp({ time: 12_345_000_000, f: 'kill', value: { nodes: ['n2'] } })).toBe('   12.345s  kill             {"nodes":["n2"]}')
  })
})
