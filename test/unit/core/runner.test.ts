import { describe, expect, it } from 'vitest'
import type { Client } from '../../../core/client.js'
import type { GenLike } from '../../../core/generator/types.js'
import { pairOps, type Completion, type Op } from '../../../core/op.js'
import { Random } from '../../../core/random.js'
import { monotonicClock, runGenerator, type RunnerOptions } from '../../../core/runner.js'
import { any, clients, limit, nemesis, repeat } from '../../../core/generator/index.js'

/** n write ops, then exhausted. */
function writes(n: number): GenLike {
  let i = 0
  return () => (i < n ? { f: 'write', value: i++ } : null)
}

function answering(answer: (value: unknown, process: number) => Promise<Completion> | Completion): RunnerOptions['openClient'] {
  return (_thread, process) => ({ invoke: async (op) => answer(op.value, process) })
}

async function run(options: Partial<RunnerOptions> & Pick<RunnerOptions, 'generator' | 'openClient'>): Promise<Op[]> {
  const history: Op[] = []
  await runGenerator({ concurrency: 3, opTimeoutMs: 1000, random: new Random(1), onOp: (op) => history.push(op), ...options })
  return history
}

function checkWellFormed(history: Op[]): void {
  history.forEach((op, i) => expect(op.index).toBe(i))
  for (let i = 1; i < history.length; i++) expect(history[i]!.time).toBeGreaterThanOrEqual(history[i - 1]!.time)
  const pairs = pairOps(history)
  expect(pairs.every((p) => p.complete !== undefined)).toBe(true)
  expect(history.filter((o) => o.type === 'invoke')).toHaveLength(pairs.length)
}

describe('runner', () => {
  it('gives every invoke exactly one completion, in order, with monotonic ns times', async () => {
    const history = await run({ generator: writes(200), openClient: answering((v) => ({ type: 'ok', value: v })) })
    expect(history).toHaveLength(400)
    checkWellFormed(history)
    expect(new Set(history.map((o) => o.process))).toEqual(new Set([0, 1, 2]))
  })

  it('overlaps operations of different threads', async () => {
    const history = await run({
      generator: writes(30),
      openClient: answering(async (v) => {
        await new Promise((r) => setTimeout(r, 5))
        return { type: 'ok', value: v }
      }),
    })
    let open = 0
    let maxOpen = 0
    for (const op of history) {
      open += op.type === 'invoke' ? 1 : -1
      maxOpen = Math.max(maxOpen, open)
    }
    expect(maxOpen).toBe(3)
  })

  it('after info, the thread continues as process + concurrency and the old process never invokes again', async () => {
    const history = await run({
      generator: writes(60),
      openClient: answering((v) => ((v as number) % 7 === 3 ? { type: 'info', value: v, error: 'conn reset' } : { type: 'ok', value: v })),
    })
    checkWellFormed(history)
    const infos = history.filter((o) => o.type === 'info')
    expect(infos.length).toBeGreaterThan(0)
    for (const info of infos) {
      const p = info.process as number
      expect(history.slice(info.index + 1).some((o) => o.process === p)).toBe(false)
      // Whatever that thread ran later ran as a higher process of the same thread.
      const later = history.slice(info.index + 1).filter((o) => typeof o.process === 'number' && o.process % 3 === p % 3)
      expect(later.every((o) => (o.process as number) >= p + 3)).toBe(true)
    }
    expect(infos.some((i) => history.some((o) => o.process === (i.process as number) + 3))).toBe(true)
    // Every process belongs to thread p mod concurrency and is used by one thread only.
    expect(history.every((o) => typeof o.process === 'number')).toBe(true)
  })

  it('opens a fresh client for the new process after info and closes the old one', async () => {
    const opened: number[] = []
    const closed: number[] = []
    await run({
      concurrency: 1,
      generator: writes(4),
      openClient: (_t, process) => {
        opened.push(process)
        return {
          invoke: async (op) => (op.value === 1 ? { type: 'info' } : { type: 'ok' }),
          close: async () => void closed.push(process),
        } satisfies Client
      },
    })
    expect(opened).toEqual([0, 1])
    expect(closed.sort()).toEqual([0, 1])
  })

  it('closes a client that finishes opening after its operation timed out, even after the run ended', async () => {
    let release: () => void = () => {}
    const late = new Promise<void>((r) => (release = r))
    let closedLate: () => void = () => {}
    const lateClosed = new Promise<void>((r) => (closedLate = r))
    const history = await run({
      concurrency: 1,
      opTimeoutMs: 100,
      generator: writes(2),
      openClient: async (_t, process) => {
        if (process === 0) await late
        return { invoke: async (op) => ({ type: 'ok', value: op.value }), close: async () => (process === 0 ? closedLate() : undefined) } satisfies Client
      },
    })
    expect(history.map((o) => [o.type, o.process])).toEqual([['invoke', 0], ['info', 0], ['invoke', 1], ['ok', 1]])
    release()
    await lateClosed
  })

  it('turns a client that never answers into info after the timeout, without deadlocking', async () => {
    const t0 = Date.now()
    const history = await run({
      concurrency: 2,
      opTimeoutMs: 100,
      generator: writes(6),
      openClient: answering((v) => (v === 2 ? new Promise<Completion>(() => {}) : { type: 'ok', value: v })),
    })
    checkWellFormed(history)
    const hung = history.find((o) => o.type === 'info')!
    expect(hung.error).toBe('timeout')
    expect(hung.value).toBe(2)
    expect(Date.now() - t0).toBeLessThan(2000)
  })

  it('records a client that throws as info with the error', async () => {
    const history = await run({
      generator: writes(3),
      openClient: answering(() => {
        throw new Error('ECONNREFUSED')
      }),
    })
    expect(history.filter((o) => o.type === 'info').map((o) => o.error)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED'])
  })

  it('records fail when the client cannot even be opened (nothing was sent)', async () => {
    const history = await run({
      concurrency: 1,
      generator: writes(1),
      openClient: () => {
        throw new Error('no route to host')
      },
    })
    expect(history[1]).toMatchObject({ type: 'fail', error: 'could not open a client: no route to host' })
  })

  it('routes nemesis ops to the nemesis with process "nemesis"', async () => {
    const seen: unknown[] = []
    let sent = false
    const history = await run({
      generator: () => (sent ? null : ((sent = true), { f: 'start-partition', value: 'halves', process: 'nemesis' })),
      openClient: answering(() => ({ type: 'ok' })),
      nemesis: {
        invoke: async (op) => {
          seen.push(op.value)
          return { type: 'info', value: { applied: op.value } }
        },
      },
    })
    expect(seen).toEqual(['halves'])
    expect(history.map((o) => [o.process, o.type, o.f])).toEqual([
      ['nemesis', 'invoke', 'start-partition'],
      ['nemesis', 'info', 'start-partition'],
    ])
  })

  it('stops invoking when aborted, and lets in-flight ops complete', async () => {
    let n = 0
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const history: Op[] = []
    const res = await runGenerator({
      concurrency: 3,
      opTimeoutMs: 1000,
      random: new Random(1),
      generator: () => ({ f: 'read', value: n++ }),
      openClient: answering(async (v) => {
        await new Promise((r) => setTimeout(r, 1))
        return { type: 'ok', value: v }
      }),
      onOp: (op) => history.push(op),
      signal: controller.signal,
    })
    expect(res.aborted).toBe(true)
    expect(history.length).toBeGreaterThan(10)
    checkWellFormed(history)
  })

  it('runs a long infinite generator without growing the stack', async () => {
    let n = 0
    const history: Op[] = []
    await runGenerator({
      concurrency: 10,
      opTimeoutMs: 1000,
      random: new Random(1),
      generator: () => (n < 50_000 ? { f: 'read', value: n++ } : null),
      openClient: answering((v) => ({ type: 'ok', value: v })),
      onOp: (op) => history.push(op),
    })
    expect(history).toHaveLength(100_000)
  })

  it('waits for an op scheduled in the future', async () => {
    const history = await run({
      concurrency: 1,
      generator: { f: 'read', time: 80e6 },
      openClient: answering(() => ({ type: 'ok' })),
    })
    expect(history).toHaveLength(2)
    expect(history[0]!.time).toBeGreaterThanOrEqual(80e6)
  })

  it('gives a freed thread work while a later op waits for its time', async () => {
    // The nemesis's fault is due at 1 s; client ops keep flowing meanwhile. The
    // reads need ~40 ms on an idle machine: far from the fault's time even when
    // load makes every timer late (with 10 ms reads and the fault at 300 ms it
    // failed at a load average of 50).
    const history = await run({
      concurrency: 2,
      generator: any(clients(limit(40, repeat({ f: 'read' }))), nemesis({ f: 'start-partition', time: 1000e6 })),
      openClient: answering(async () => {
        await new Promise((r) => setTimeout(r, 2))
        return { type: 'ok' }
      }),
      nemesis: { invoke: async () => ({ type: 'ok' }) },
    })
    const reads = history.filter((o) => o.f === 'read' && o.type === 'ok')
    const fault = history.find((o) => o.f === 'start-partition')!
    expect(reads).toHaveLength(40)
    expect(fault.time).toBeGreaterThanOrEqual(1000e6)
    // Most reads finished before the fault's time: the runner did not sleep until then.
    expect(reads.filter((o) => o.time < fault.time).length).toBeGreaterThan(30)
  })

  it('a later pass continues the history: its indices, its clock, and processes retired by an info stay retired', async () => {
    const history: Op[] = []
    const clock = monotonicClock()
    const onOp = (op: Op): void => void history.push(op)
    // Every op of process 0 and 1 times out as info: their threads move on to 3 and 4.
    const first = await runGenerator({
      concurrency: 3,
      opTimeoutMs: 1000,
      random: new Random(1),
      onOp,
      clock,
      generator: writes(3),
      openClient: answering((v, process) => (process < 2 ? { type: 'info', value: v } : { type: 'ok', value: v })),
    })
    expect(first.processes.get(0)).toBe(3)
    const second = await runGenerator({
      concurrency: 3,
      opTimeoutMs: 1000,
      random: new Random(1),
      onOp,
      clock,
      firstIndex: history.length,
      processes: first.processes,
      generator: writes(6),
      openClient: answering((v) => ({ type: 'ok', value: v })),
    })
    expect(second.ops).toBe(12)
    checkWellFormed(history)
    const later = history.slice(6).filter((o) => o.type === 'invoke').map((o) => o.process)
    expect(later).not.toContain(0)
    expect(later).not.toContain(1)
  })
})
