// Cycles as data a report can draw (transactions, labelled steps) and in words.
import { describe, expect, it } from 'vitest'
import { checkListAppend, checkRwRegister, renderText, type CycleCase } from '../../../../checkers/elle/index.js'
import { concurrent, events, serial } from './helpers.js'

describe('a cycle case', () => {
  const r = checkListAppend(concurrent([0, [['append', 5, 3], ['append', 7, 9]]], [1, [['r', 5, [3]], ['r', 7, []]]]))
  const c = r.anomalies['G-single-item']![0] as CycleCase

  it('names its transactions T1... with their ops, and its steps with keys and values', () => {
    expect(c.cycle.map((t) => [t.name, t.index, t.process, t.type])).toEqual([
      ['T1', 3, 1, 'ok'],
      ['T2', 2, 0, 'ok'],
    ])
    expect(c.steps).toEqual([
      { type: 'rw', from: 'T1', to: 'T2', key: 7, value: null, value2: 9 },
      { type: 'wr', from: 'T2', to: 'T1', key: 5, value: 3 },
    ])
    expect(c.text).toBe('T1 -rw(k7, 9)-> T2 -wr(k5, 3)-> T1')
  })

  it('says it in plain words', () => {
    expect(c.explanation).toBe(
      "T1 read k7 empty, without T2's append of 9; T1 read T2's append of 3 to k5. So T1 would have to come before itself: a cycle in which exactly one transaction missed another's effects (G-single, read skew).",
    )
  })

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })
})

describe('steps of each kind', () => {
  it('process and real-time steps name the process and the ops', () => {
    const p = checkListAppend(serial([0, [['append', 'x', 1]]], [0, [['r', 'x', []]]])).anomalies['G-single-item-process']![0] as CycleCase
    expect(p.text).toBe('T1 -rw(x, 1)-> T2 -process(0)-> T1')
    expect(p.explanation).toContain('T1 ran after T2 on process 0')
    const rt = checkListAppend(serial([0, [['append', 'x', 1]]], [1, [['r', 'x', []]]])).anomalies['G-single-item-realtime']![0] as CycleCase
    expect(rt.steps[1]).toEqual({ type: 'realtime', from: 'T2', to: 'T1', value: 1, value2: 2 })
    expect(rt.explanation).toContain('T1 began (op 2) after T2 had completed (op 1)')
  })

  it('register steps say where the version order came from', () => {
    const h = events(
      [1, 'invoke', [['r', 'x', 1], ['r', 'y', 5]]],
      [0, 'invoke', [['w', 'x', 1]]],
      [0, 'ok', [['w', 'x', 1]]],
      [0, 'invoke', [['w', 'x', 2], ['w', 'y', 5]]],
      [0, 'ok', [['w', 'x', 2], ['w', 'y', 5]]],
      [1, 'ok', [['r', 'x', 1], ['r', 'y', 5]]],
    )
    const c = checkRwRegister(h).anomalies['G-single-item-process']![0] as CycleCase
    expect(c.text).toBe('T1 -rw(x, 2)-> T2 -wr(y, 5)-> T1')
    expect(c.explanation).toContain("T1 read x = 1, without T2's write of 2 (that order of versions comes from process order)")
  })
})

describe('renderText', () => {
  it('one line of anomaly types, one of ruled-out models, then each case', () => {
    const r = checkListAppend(concurrent([0, [['r', 'x', []], ['append', 'y', 1]]], [1, [['r', 'y', []], ['append', 'x', 2]]]))
    const lines = renderText(r).split('\n')
    expect(lines[0]).toBe('anomalies: G2-item')
    expect(lines[1]).toBe('ruled out: repeatable-read (and so also serializable, strict-serializable, strong-session-serializable)')
    expect(lines[3]).toBe('G2-item: T1 -rw(x, 2)-> T2 -rw(y, 1)-> T1')
    expect(lines[4]).toBe('  T1 = op 2 (process 0, ok): [r x []] [append y 1]')
  })

  it('says none when there is nothing', () => {
    expect(renderText(checkListAppend(serial([0, [['append', 'x', 1]]])))).toBe('anomalies: none\nruled out: none')
  })
})
