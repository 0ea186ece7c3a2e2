/**
 * The runner: interprets a generator with N client worker threads plus one
 * nemesis thread, records every invocation and completion, and never waits on a
 * client forever.
 *
 * - Each invoke gets exactly one completion: the client's answer, or `info` when
 *   it throws or does not answer within the per-operation timeout.
 * - After an `info` the thread retires its process and takes `process + concurrency`
 *   (a Jepsen process is single-threaded: an op with an unknown outcome may still
 *   be running, so that process never invokes again).
 * - Times are nanoseconds since the run started, from the monotonic clock.
 * - Aborting (Ctrl-C, a fatal error) stops new invocations; operations in flight
 *   complete as `info` within the timeout, and the recorded history stays valid.
 */
import type { Client, ClientFactory } from './client.js'
import type { GenContext, Generator, GenLike, Invocation, Thread } from './generator/types.js'
import { toGenerator } from './generator/index.js'
import type { Completion, Op, Process } from './op.js'
import type { Random } from './random.js'

export interface RunnerOptions {
  generator: GenLike
  concurrency: number
  openClient: ClientFactory
  /** Driven on the 'nemesis' thread; ops routed there fail with an error when absent. */
  nemesis?: Client
  /** Per-operation timeout; a client that has not answered by then is recorded as info. */
  opTimeoutMs: number
  /** Nemesis operations may take longer (restarting a node); default 3 × opTimeoutMs. */
  nemesisTimeoutMs?: number
  random: Random
  /** Receives every op, in history order (invocations and completions). */
  onOp: (op: Op) => void
  /** Stop invoking when aborted. */
  signal?: AbortSignal
  /** Nanoseconds since the start of the test; defaults to a monotonic clock started now. */
  clock?: () => number
  /**
   * To continue a history in a later pass (the heal, the final reads): the
   * index of the first op recorded, and each thread's process from the
   * previous pass's result, so a process retired by an `info` stays retired.
   */
  firstIndex?: number
  processes?: ReadonlyMap<Thread, Process>
}

export interface RunnerResult {
  ops: number
  /** True when the run stopped because of the abort signal rather than generator exhaustion. */
  aborted: boolean
  /** Each thread's process at the end (pass it to the next pass). */
  processes: ReadonlyMap<Thread, Process>
}

interface InFlight {
  thread: Thread
  process: Process
  invocation: Invocation
  deadline: number
  controller: AbortController
  settled: boolean
}

/** How long to wait before asking a generator that said `pending` again. */
const PENDING_POLL_MS = 5

export function monotonicClock(): () => number {
  const start = process.hrtime.bigint()
  return () => Number(process.hrtime.bigint() - start)
}

export async function runGenerator(options: RunnerOptions): Promise<RunnerResult> {
  const { concurrency, random, onOp, signal } = options
  const now = options.clock ?? monotonicClock()
  const nemesisTimeout = options.nemesisTimeoutMs ?? options.opTimeoutMs * 3

  const allThreads: Thread[] = [...Array.from({ length: concurrency }, (_, i) => i), 'nemesis']
  const processOfThread = new Map<Thread, Process>(allThreads.map((t) => [t, options.processes?.get(t) ?? t]))
  const threadOfProcess = (p: Process): Thread => (p === 'nemesis' ? 'nemesis' : p % concurrency)
  const busy = new Set<Thread>()
  const clients = new Map<number, Client>() // by process
  const inFlight = new Map<Thread, InFlight>()
  const completions: { flight: InFlight; completion: Completion; time: number }[] = []

  let index = options.firstIndex ?? 0
  let gen: Generator = toGenerator(options.generator)
  let wake: (() => void) | undefined
  const wakeUp = (): void => {
    const w = wake
    wake = undefined
    w?.()
  }
  const onAbort = (): void => wakeUp()
  signal?.addEventListener('abort', onAbort)

  let freeCache: Thread[] | undefined
  const context = (): GenContext => {
    if (freeCache === undefined) freeCache = allThreads.filter((t) => !busy.has(t))
    const free = freeCache
    return {
      time: now(),
      freeThreads: free,
      allThreads,
      concurrency,
      random,
      processOf: (t) => processOfThread.get(t) ?? t,
      threadOf: threadOfProcess,
    }
  }

  const record = (op: Omit<Op, 'index'>): Op => {
    const full = { index: index++, ...op } as Op
    onOp(full)
    return full
  }

  const settle = (flight: InFlight, completion: Completion): void => {
    if (flight.settled) return
    flight.settled = true
    completions.push({ flight, completion, time: now() })
    wakeUp()
  }

  /** Set when the run is over: a client that opens after it is closed at once. */
  let finished = false
  const clientFor = async (thread: number, process: number): Promise<Client> => {
    const open = clients.get(process)
    if (open) return open
    const c = await options.openClient(thread, process)
    // The operation timed out while its client was opening (the process retired) or the
    // run ended: no one will use or close this client, so close it now.
    if (finished || processOfThread.get(thread) !== process) {
      void Promise.resolve(c.close?.()).catch(() => {})
      throw new Error('the client opened after its operation had ended')
    }
    clients.set(process, c)
    return c
  }

  // One abort controller per thread, replaced only after it fired: a thread has at
  // most one op in flight, and most ops never time out.
  const controllers = new Map<Thread, AbortController>()
  const start = (invocation: Invocation, thread: Thread): void => {
    let controller = controllers.get(thread)
    if (!controller || controller.signal.aborted) {
      controller = new AbortController()
      controllers.set(thread, controller)
    }
    const timeout = thread === 'nemesis' ? nemesisTimeout : options.opTimeoutMs
    const flight: InFlight = {
      thread,
      process: invocation.process,
      invocation,
      deadline: now() + timeout * 1e6,
      controller,
      settled: false,
    }
    inFlight.set(thread, flight)
    const call = async (): Promise<Completion> => {
      if (thread === 'nemesis') {
        if (!options.nemesis) return { type: 'fail', value: invocation.value, error: 'no nemesis is configured' }
        return options.nemesis.invoke(invocation, controller.signal)
      }
      let client: Client
      try {
        client = await clientFor(thread, invocation.process as number)
      } catch (e) {
        // Nothing was sent: the operation certainly did not happen.
        return { type: 'fail', value: invocation.value, error: `could not open a client: ${errorText(e)}` }
      }
      return client.invoke(invocation, controller.signal)
    }
    call().then(
      (completion) => settle(flight, normalise(completion, invocation)),
      (e: unknown) => settle(flight, { type: 'info', value: invocation.value, error: errorText(e) }),
    )
  }

  // Turns overdue operations into info completions; the client's late answer is ignored.
  const sweepMs = Math.max(5, Math.min(100, Math.floor(options.opTimeoutMs / 4)))
  const sweeper = setInterval(() => {
    const t = now()
    for (const flight of inFlight.values()) {
      if (!flight.settled && t >= flight.deadline) {
        flight.controller.abort()
        settle(flight, { type: 'info', value: flight.invocation.value, error: 'timeout' })
      }
    }
  }, sweepMs)

  const drain = (): void => {
    while (completions.length > 0) {
      const { flight, completion, time } = completions.shift()!
      inFlight.delete(flight.thread)
      busy.delete(flight.thread)
      freeCache = undefined
      const op = record({
        time,
        type: completion.type,
        process: flight.process,
        f: flight.invocation.f,
        value: completion.value === undefined ? flight.invocation.value : completion.value,
        ...(completion.node === undefined ? {} : { node: completion.node }),
        ...(completion.error === undefined ? {} : { error: completion.error }),
      })
      if (completion.type === 'info' && flight.thread !== 'nemesis') {
        const p = flight.process as number
        processOfThread.set(flight.thread, p + concurrency)
        const old = clients.get(p)
        clients.delete(p)
        void old?.close?.().catch(() => {})
      }
      gen = gen.update(context(), op)
    }
  }

  const sleepUntil = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined
        resolve()
      }, ms)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })

  let aborted = false
  let invoked = 0
  try {
    while (true) {
      drain()
      if (signal?.aborted) {
        aborted = true
        break
      }
      const ctx = context()
      const step = gen.op(ctx)
      if (step === null) break
      if ('pending' in step) {
        gen = step.gen
        await sleepUntil(inFlight.size > 0 && completions.length === 0 ? 50 : PENDING_POLL_MS)
        continue
      }
      const { op } = step
      const thread = threadOfProcess(op.process)
      if (busy.has(thread) || processOfThread.get(thread) !== op.process) {
        // The generator named a process that is busy or retired: wait and ask again.
        await sleepUntil(PENDING_POLL_MS)
        continue
      }
      // Not due yet: wait for its time, unless a completion arrives first. Then ask
      // again, because a freed thread may now have sooner work (e.g. the generator
      // offered the nemesis's next fault only because every client was busy).
      if (op.time > now()) {
        await sleepUntil(Math.max(0.05, (op.time - now()) / 1e6))
        // Timers may fire a little early against the monotonic clock: re-check.
        continue
      }
      gen = step.gen
      busy.add(thread)
      freeCache = undefined
      const invocation: Invocation = { ...op, time: now() }
      const recorded = record({ time: invocation.time, type: 'invoke', process: op.process, f: op.f, value: op.value })
      gen = gen.update(context(), recorded)
      start(invocation, thread)
      // Let answers that are already available come in, without starving the timers.
      if (++invoked % 64 === 0) await new Promise<void>((r) => setImmediate(r))
    }
    // Wait for everything in flight: each settles by its answer or its deadline.
    while (inFlight.size > 0) {
      drain()
      if (inFlight.size === 0) break
      await sleepUntil(50)
    }
    drain()
  } finally {
    clearInterval(sweeper)
    signal?.removeEventListener('abort', onAbort)
    finished = true
    await Promise.allSettled([...clients.values()].map((c) => c.close?.()))
  }
  return { ops: index - (options.firstIndex ?? 0), aborted, processes: processOfThread }
}

function normalise(c: Completion, inv: Invocation): Completion {
  if (c === null || typeof c !== 'object' || (c.type !== 'ok' && c.type !== 'fail' && c.type !== 'info')) {
    return { type: 'info', value: inv.value, error: `client answered ${JSON.stringify(c)}, not ok/fail/info` }
  }
  return c
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
