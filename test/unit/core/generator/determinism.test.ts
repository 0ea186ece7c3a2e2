import { describe, expect, it } from 'vitest'
import {
  any,
  clients,
  cycle,
  eachThread,
  independentConcurrent,
  limit,
  mix,
  nemesis,
  phases,
  repeat,
  simulate,
  sleep,
  stagger,
  timeLimit,
} from '../../../../core/generator/index.js'
import type { GenContext, GenLike } from '../../../../core/generator/index.js'
import type { Completion } from '../../../../core/op.js'
import { decisions, invokes } from './helpers.js'

/** A workload-shaped generator: random ops and values, staggered, with a nemesis and phases. */
function workload(): GenLike {
  const write = (ctx: GenContext) => ({ f: 'write', value: ctx.random.int(5) })
  const cas = (ctx: GenContext) => ({ f: 'cas', value: [ctx.random.int(5), ctx.random.int(5)] })
  return phases(
    timeLimit(
      2,
      any(
        clients(stagger(0.005, mix(repeat({ f: 'read' }), write, cas))),
        nemesis(cycle([sleep(0.2), { f: 'start-partition' }, sleep(0.2), { f: 'stop-partition' }])),
      ),
    ),
    clients(eachThread({ f: 'read' })),
  )
}

const answers = (op: { f: string; time: number }): Completion =>
  op.f === 'cas' && op.time % 3 === 0 ? { type: 'fail' } : op.f === 'write' && op.time % 7 === 0 ? { type: 'info' } : { type: 'ok' }

describe('determinism', () => {
  it('the same seed and options give the same ops (f, value, process)', () => {
    const opts = { concurrency: 5, seed: 42, completeAfterNs: (op: { f: string }) => (op.f === 'read' ? 1e6 : 3e6), answer: answers }
    const a = simulate(workload(), opts)
    const b = simulate(workload(), opts)
    expect(invokes(a).length).toBeGreaterThan(300)
    expect(invokes(a).filter((op) => op.f === 'start-partition').length).toBeGreaterThan(2)
    expect(new Set(invokes(a).map((op) => op.process)).size).toBeGreaterThan(5) // info completions retired processes
    expect(decisions(a)).toEqual(decisions(b))
    expect(a).toEqual(b)
  })

  it('a different seed gives different ops', () => {
    const a = simulate(workload(), { concurrency: 5, seed: 1, answer: answers })
    const b = simulate(workload(), { concurrency: 5, seed: 2, answer: answers })
    expect(decisions(a)).not.toEqual(decisions(b))
  })

  it('independent keys replay too', () => {
    const gen = (): GenLike =>
      independentConcurrent((i) => (i < 20 ? i : undefined), 2, () => limit(6, mix(repeat({ f: 'read' }), (c: GenContext) => ({ f: 'write', value: c.random.int(100) }))))
    const opts = { concurrency: 6, seed: 9, completeAfterNs: 2e6, steps: 500 }
    const a = simulate(gen(), opts)
    expect(invokes(a)).toHaveLength(120)
    expect(decisions(a)).toEqual(decisions(simulate(gen(), opts)))
    expect(decisions(simulate(gen(), opts))).not.toEqual(decisions(simulate(gen(), { ...opts, seed: 10 })))
  })
})
