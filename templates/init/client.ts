// The dstest side of tiny-kv: one client per worker process, talking to one
// node over HTTP. Its job is to say, for every operation, what happened:
//   ok    it took effect (a read: this is what it saw);
//   fail  it certainly did not take effect;
//   info  it may have (no answer, a timeout): the checkers allow for both.
// performRequest applies that rule to what each attempt got, and asks again
// only after an attempt that certainly had no effect.
import { Agent } from 'node:http'
import { performRequest, requestJson, type AttemptOutcome, type Client, type Completion, type Invocation } from 'dstest'

export const PORT = 7300

type Answer = { ok: true; value?: unknown } | { ok: false; error: string }

export class TinyKvClient implements Client {
  // One keep-alive connection per client: an operation's requests go one at a time.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 })

  constructor(
    private readonly node: string,
    private readonly host: string,
  ) {}

  async invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    const request = toRequest(op)
    if (!request) return { type: 'fail', value: op.value, node: this.node, error: `tiny-kv has no operation ${op.f}` }
    const options = { signal, node: this.node, readOnly: op.f === 'read' }
    return performRequest(op, options, async ({ signal, deadline }): Promise<AttemptOutcome> => {
      // requestJson rejects with NoAnswer when nothing came back; performRequest turns that into info
      // (or into another attempt, when the connection was refused and nothing was sent).
      const answer = (await requestJson({ node: this.node, host: this.host, port: PORT, path: request.path, body: request.body, signal, deadline, agent: this.agent })) as Answer
      if (answer.ok) return { type: 'ok', value: op.f === 'read' ? [request.body.key, answer.value ?? null] : op.value }
      switch (answer.error) {
        case 'unavailable': // the node could not reach the primary: nothing was applied, ask again
          return { type: 'refused', error: answer.error, retry: 'later' }
        case 'cas-mismatch': // looked at and turned down: nothing was applied, and asking again would not help
        case 'type-mismatch':
        case 'bad-request':
          return { type: 'refused', error: answer.error, retry: 'never' }
        default: // 'timeout', or anything else: it may have been applied
          return { type: 'unknown', error: answer.error }
      }
    })
  }

  async close(): Promise<void> {
    this.agent.destroy()
  }
}

/** read [k, null], write [k, v], cas [k, [from, to]], add [k, element] as the server's requests. */
function toRequest(op: Invocation): { path: string; body: { key: unknown } & Record<string, unknown> } | undefined {
  if (!Array.isArray(op.value) || op.value.length !== 2) return undefined
  const [key, arg] = op.value as [unknown, unknown]
  switch (op.f) {
    case 'read':
      return { path: '/read', body: { key } }
    case 'write':
      return { path: '/write', body: { key, value: arg } }
    case 'cas':
      return Array.isArray(arg) && arg.length === 2 ? { path: '/cas', body: { key, from: arg[0], to: arg[1] } } : undefined
    case 'add':
      return { path: '/add', body: { key, element: arg } }
    default:
      return undefined
  }
}
