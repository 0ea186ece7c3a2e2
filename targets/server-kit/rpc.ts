/**
 * JSON over HTTP/1.1 keep-alive between the servers of a cluster: Raft RPCs,
 * chain messages, forwarded client requests. Each kind of traffic passes its
 * own pooled agent, so one kind never queues behind another.
 */
import { Agent, request } from 'node:http'
import { splitAddress } from './address.js'

/** The pool of calls that name none (Raft RPCs: at most one append in flight per peer, plus votes and snapshots). */
export const peerAgent = new Agent({ keepAlive: true, maxSockets: 4 })

export class RpcError extends Error {
  constructor(
    /** 'refused': no connection, so nothing was sent; 'timeout' / 'failed': unknown. */
    readonly kind: 'refused' | 'timeout' | 'failed',
    message: string,
  ) {
    super(message)
    this.name = 'RpcError'
  }
}

export interface JsonResponse {
  status: number
  body: unknown
}

/** POSTs `body` as JSON to http://address/path and parses the JSON answer. */
export function postJson(
  address: string,
  path: string,
  body: unknown,
  timeoutMs: number,
  options: { headers?: Record<string, string>; agent?: Agent } = {},
): Promise<JsonResponse> {
  const { headers = {}, agent = peerAgent } = options
  const payload = Buffer.from(JSON.stringify(body))
  const [host, port] = splitAddress(address)
  return new Promise((resolve, reject) => {
    const req = request({
      host,
      port,
      path,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
    })
    const timer = setTimeout(() => req.destroy(new RpcError('timeout', `${address}${path}: no answer in ${timeoutMs} ms`)), timeoutMs)
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (err instanceof RpcError) reject(err)
      else reject(new RpcError(err.code === 'ECONNREFUSED' ? 'refused' : 'failed', `${address}${path}: ${err.message}`))
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', () => undefined) // reported through req's 'error'
      res.on('end', () => {
        clearTimeout(timer)
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) })
        } catch {
          reject(new RpcError('failed', `${address}${path}: answer is not JSON (HTTP ${res.statusCode})`))
        }
      })
    })
    req.end(payload)
  })
}

