// The queue workload's client for RabbitMQ, on amqplib: one AMQP connection
// per client process, to the node the thread is assigned. Each operation is
// completed by one rule (the public request helper's): ok when it certainly
// happened, fail when it certainly did not, info when it may have.
//
//   enqueue v   a persistent message published on a confirm channel:
//               broker ack → ok; nack → fail (RabbitMQ nacks a message it did
//               not take responsibility for); no confirm (timeout, lost
//               channel or connection) → info.
//   dequeue     basic.get with manual acknowledgement, then basic.ack and a
//               round trip on the same channel (basic.qos, which the channel
//               answers itself, without asking the queue, so a queue cut off
//               by a partition does not hold it up), which the broker answers
//               only after it has read the ack:
//               get-empty → ok null; ack read → ok v; ack sent but its arrival
//               unknown → info v (the message it got, which may come back);
//               nothing acked (no get-ok, or the channel closed before the
//               ack was sent) → fail, since AMQP 0-9-1 returns unacknowledged
//               messages to the queue when their channel closes.
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib'
import { NoAnswer, performRequest, type AttemptOutcome, type Client, type Completion, type Invocation } from 'dstest'

export const AMQP_PORT = 5672
/** Seconds between AMQP heartbeats: a connection to a node that stopped answering is closed after two missed ones. */
const HEARTBEAT_S = 5
const CONNECT_TIMEOUT_MS = 3000
const CLOSE_TIMEOUT_MS = 2000
/**
 * Each operation answers within this long, before the run's --op-timeout
 * records it as info (4 s of the default 5 s): a get still unanswered by then
 * is given up (its connection closed, so nothing it was handed stays taken)
 * and is a fail.
 */
export const operationBudgetMs = (opTimeoutMs: number): number => Math.max(opTimeoutMs - 1000, opTimeoutMs * 0.8)

/** The AMQP URL of a node (RabbitMQ's default guest account; the nodes' config lets it log in from outside). */
export const amqpUrl = (address: string): string => `amqp://guest:guest@${address}:${AMQP_PORT}/?heartbeat=${HEARTBEAT_S}`

/** What a publisher confirm callback's error says about the message: nacked (certainly not taken) or unknown. */
export function confirmOutcome(err: unknown): AttemptOutcome {
  if (err === null || err === undefined) return { type: 'ok' }
  const text = err instanceof Error ? err.message : String(err)
  // amqplib calls back with this exact error for a basic.nack, and with 'channel closed' when the channel went away first.
  if (text === 'message nacked') return { type: 'refused', retry: 'never', error: 'nacked by the broker' }
  throw new NoAnswer(true, `no confirm: ${text}`)
}

/** A message body is the enqueued value, as JSON. */
export const encodeValue = (v: unknown): Buffer => Buffer.from(JSON.stringify(v))
export function decodeValue(body: Buffer): unknown {
  const text = body.toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export class RabbitQueueClient implements Client {
  private connection: ChannelModel | undefined
  private channel: ConfirmChannel | undefined

  constructor(
    private readonly node: string,
    private readonly address: string,
    private readonly queue: string,
    /** See operationBudgetMs. */
    private readonly budgetMs: number,
  ) {}

  invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    const options = { signal, node: this.node, readOnly: false, timeoutMs: this.budgetMs }
    if (op.f === 'enqueue') return performRequest(op, options, (a) => this.enqueue(op.value, a.signal, a.deadline))
    if (op.f === 'dequeue') return performRequest(op, options, (a) => this.dequeue(a.signal, a.deadline))
    return Promise.resolve({ type: 'fail', value: op.value, error: `unknown operation ${op.f}` })
  }

  private async enqueue(value: unknown, signal: AbortSignal, deadline: number): Promise<AttemptOutcome> {
    const channel = await this.open(deadline)
    return new Promise<AttemptOutcome>((resolve, reject) => {
      const onAbort = (): void => {
        this.drop()
        reject(new NoAnswer(true, 'no confirm before the timeout'))
      }
      try {
        channel.sendToQueue(this.queue, encodeValue(value), { persistent: true }, (err) => {
          signal.removeEventListener('abort', onAbort)
          try {
            const outcome = confirmOutcome(err)
            resolve(outcome.type === 'ok' ? { type: 'ok', value } : outcome)
          } catch (e) {
            this.drop()
            reject(e)
          }
        })
      } catch (e) {
        // amqplib refuses to write on a closed channel: nothing was sent.
        this.drop()
        reject(new NoAnswer(false, `not sent: ${(e as Error).message}`))
        return
      }
      if (signal.aborted) onAbort()
      else signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  private async dequeue(signal: AbortSignal, deadline: number): Promise<AttemptOutcome> {
    const channel = await this.open(deadline)
    const { aborted, stop } = abortPromise(signal)
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${this.budgetMs} ms`)), Math.max(0, deadline - Date.now()))))
    late.catch(() => undefined)
    try {
      return await this.getAndAck(channel, aborted, late)
    } finally {
      stop()
      clearTimeout(timer)
    }
  }

  private async getAndAck(channel: ConfirmChannel, aborted: Promise<never>, late: Promise<never>): Promise<AttemptOutcome> {
    let message
    try {
      message = await Promise.race([channel.get(this.queue, { noAck: false }), aborted, late])
    } catch (e) {
      // No get-ok, so no ack: whatever the broker handed this channel goes back to the queue when the channel closes.
      this.drop()
      return { type: 'refused', retry: 'later', error: `basic.get: ${(e as Error).message}` }
    }
    if (message === false) return { type: 'ok', value: null }
    const value = decodeValue(message.content)
    try {
      channel.ack(message)
    } catch (e) {
      this.drop()
      return { type: 'refused', retry: 'later', error: `got ${JSON.stringify(value)} but could not send its ack: ${(e as Error).message}` }
    }
    try {
      await Promise.race([channel.prefetch(0), aborted, late])
    } catch (e) {
      this.drop()
      // The ack may or may not have landed: info, carrying the value so the checker knows which message this dequeue may have taken.
      return { type: 'unknown', value, error: `got ${JSON.stringify(value)}, acked, but the broker did not answer after the ack: ${(e as Error).message}` }
    }
    return { type: 'ok', value }
  }

  /** The channel, connecting first if needed, by `deadline` at the latest; a failure here sent nothing. */
  private async open(deadline: number): Promise<ConfirmChannel> {
    if (this.channel) return this.channel
    let connection: ChannelModel | undefined
    try {
      // A paused broker accepts the TCP connection and never answers: bounded, so the operation still answers fail before the runner's timeout.
      const bound = (): number => Math.max(1, Math.min(CONNECT_TIMEOUT_MS, deadline - Date.now()))
      connection = await amqp.connect(amqpUrl(this.address), { timeout: bound() })
      // An unheard 'error' would crash the run: a broken connection shows as a closed channel instead.
      connection.on('error', () => undefined)
      connection.on('close', () => this.forget(connection!))
      const channel = await Promise.race([connection.createConfirmChannel(), rejectAfter(bound(), 'no channel.open-ok')])
      channel.on('error', () => undefined)
      channel.on('close', () => this.forget(connection!))
      this.connection = connection
      this.channel = channel
      return channel
    } catch (e) {
      if (connection) closeQuietly(connection)
      throw new NoAnswer(false, `cannot open a channel on ${this.node}: ${(e as Error).message}`)
    }
  }

  private forget(connection: ChannelModel): void {
    if (this.connection !== connection) return
    this.connection = undefined
    this.channel = undefined
  }

  /** Abandons the connection: the broker returns this channel's unacknowledged messages to the queue. */
  private drop(): void {
    const connection = this.connection
    this.connection = undefined
    this.channel = undefined
    if (connection) closeQuietly(connection)
  }

  async close(): Promise<void> {
    const connection = this.connection
    this.connection = undefined
    this.channel = undefined
    if (connection) await closeQuietly(connection)
  }
}

/** Closes the connection, and destroys its socket if the broker does not answer the close (a paused node). */
async function closeQuietly(connection: ChannelModel): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const closed = await Promise.race([
    connection.close().then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS))),
  ])
  clearTimeout(timer)
  if (!closed) (connection.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy()
}

/** A promise that rejects after `ms` (never resolves); its rejection is handled when no one waits for it any more. */
function rejectAfter(ms: number, why: string): Promise<never> {
  const p = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${why} within ${ms} ms`)), ms).unref())
  p.catch(() => undefined)
  return p
}

/** A promise that rejects when `signal` aborts (and never resolves), and how to stop listening: the runner reuses a thread's signal. */
function abortPromise(signal: AbortSignal): { aborted: Promise<never>; stop(): void } {
  let fail = (): void => undefined
  const aborted = new Promise<never>((_, reject) => {
    fail = (): void => reject(new Error('timed out'))
  })
  aborted.catch(() => undefined)
  if (signal.aborted) fail()
  else signal.addEventListener('abort', fail, { once: true })
  return { aborted, stop: () => signal.removeEventListener('abort', fail) }
}
