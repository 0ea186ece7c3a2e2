import { describe, expect, it } from 'vitest'
import {
  any,
  clients,
  eachProcess,
  eachThread,
  limit,
  nemesis,
  onThreads,
  repeat,
  simulate,
  stagger,
} from '../../../../core/generator/index.js'
import type { GenContext } from '../../../../core/generator/index.js'
import { fs, invokes } from './helpers.js'

describe('clients / nemesis routing', () => {
  it('never mixes client and nemesis threads', () => {
    const seen: { side: string; free: unknown[]; all: unknown[] }[] = []
    const spy = (side: string, f: string) => (ctx: GenContext) => {
      seen.push({ side, free: [...ctx.freeThreads], all: [...ctx.allThreads] })
      return { f }
    }
    const h = simulate(any(clients(spy('client', 'read')), nemesis(stagger(0.01, spy('nemesis', 'kill')))), {
      concurrency: 3,
      seed: 7,
      steps: 300,
      completeAfterNs: 2e6,
    })
    for (const op of invokes(h)) {
      if (op.f === 'kill') expect(op.process).toBe('nemesis')
      else expect(typeof op.process).toBe('number')
    }
    expect(fs(h)).toContain('kill')
    expect(fs(h)).toContain('read')
    for (const s of seen) {
      if (s.side === 'client') {
        expect(s.all).toEqual([0, 1, 2])
        expect(s.free).not.toContain('nemesis')
      } else {
        expect(s.all).toEqual(['nemesis'])
        expect(s.free.every((t) => t === 'nemesis')).toBe(true)
      }
    }
  })

  it("tells a routed generator only about its own threads' events", () => {
    const events: unknown[] = []
    // Stays alive (pending) until it has seen both kills invoked and completed.
    const probe = {
      op: () => (events.length >= 4 ? null : { pending: true as const, gen: probe }),
      update(_ctx: GenContext, e: { process: unknown }) {
        events.push(e.process)
        return probe
      },
    }
    const h = simulate(any(nemesis(probe), clients(repeat(10, { f: 'read' })), nemesis(repeat(2, { f: 'kill' }))), {
      concurrency: 2,
      seed: 1,
      completeAfterNs: 1e6,
    })
    expect(invokes(h)).toHaveLength(12)
    expect(events).toEqual(['nemesis', 'nemesis', 'nemesis', 'nemesis'])
  })

  it('onThreads restricts to any set of threads', () => {
    const h = simulate(onThreads((t) => t === 1 || t === 3, repeat(50, { f: 'read' })), { concurrency: 4, seed: 2, completeAfterNs: 1e6 })
    expect(new Set(invokes(h).map((op) => op.process))).toEqual(new Set([1, 3]))
  })

  it('an unrouted template never goes to the nemesis', () => {
    const h = simulate(repeat(200, { f: 'read' }), { concurrency: 2, seed: 3, completeAfterNs: 1e6 })
    expect(invokes(h).every((op) => op.process !== 'nemesis')).toBe(true)
  })
})

describe('eachThread / eachProcess', () => {
  it('gives every client thread its own copy', () => {
    const h = simulate(eachThread([{ f: 'a' }, { f: 'b' }]), { concurrency: 3, seed: 1, completeAfterNs: 1e6 })
    for (const p of [0, 1, 2]) expect(invokes(h).filter((op) => op.process === p).map((op) => op.f)).toEqual(['a', 'b'])
    expect(invokes(h)).toHaveLength(6)
  })

  it('copies see only their own thread', () => {
    const seen: string[] = []
    simulate(
      eachThread((ctx: GenContext) => {
        seen.push(`${ctx.allThreads.join()}|${ctx.freeThreads.join()}`)
        return null
      }),
      { concurrency: 3, seed: 1 },
    )
    expect(seen.sort()).toEqual(['0|0', '1|1', '2|2'])
  })

  it('under nemesis() it runs on the nemesis thread', () => {
    const h = simulate(nemesis(eachThread(limit(2, repeat({ f: 'kill' })))), { concurrency: 3, seed: 1 })
    expect(invokes(h).map((op) => op.process)).toEqual(['nemesis', 'nemesis'])
  })

  it('eachProcess starts a fresh copy for the new process after an info', () => {
    let n = 0
    const h = simulate(eachProcess([{ f: 'a' }, { f: 'b' }]), {
      concurrency: 1,
      seed: 1,
      answer: () => (n++ === 0 ? { type: 'info' } : { type: 'ok' }),
    })
    expect(invokes(h).map((op) => `${op.f}${String(op.process)}`)).toEqual(['a0', 'a1', 'b1'])
    // eachThread keeps the copy across processes instead.
    n = 0
    const t = simulate(eachThread([{ f: 'a' }, { f: 'b' }]), {
      concurrency: 1,
      seed: 1,
      answer: () => (n++ === 0 ? { type: 'info' } : { type: 'ok' }),
    })
    expect(invokes(t).map((op) => `${op.f}${String(op.process)}`)).toEqual(['a0', 'b1'])
  })
})
