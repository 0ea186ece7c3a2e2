/**
 * `dstest serve`: a local, read-only web view of a store. `/` lists every run
 * (filterable by verdict); every other path is a file or folder of the store,
 * resolved by safe-path.ts, so nothing outside it is ever read. GET and HEAD
 * only. Bound to 127.0.0.1 unless told otherwise; while it is, requests must
 * name a loopback host, so a web page elsewhere cannot read the store through
 * a DNS name it points at this machine. Pages may run their own inline
 * scripts, and nothing else: the content security policy forbids any other
 * source, so a report cannot reach the network.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join } from 'node:path'
import { folderPage, indexPage, VERDICTS } from './pages.js'
import { resolveInStore, storeRoot } from './safe-path.js'
import { listRuns, type RunVerdict } from './store-runs.js'

export interface ServeOptions {
  store: string
  host: string
  port: number
}

export interface RunningServer {
  url: string
  /** Stops accepting, ends open connections, resolves when closed. */
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.edn': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'text/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return ''
  const m = /^(\[[^\]]*\]|[^:]*)(:\d+)?$/.exec(hostHeader)
  return (m?.[1] ?? '').toLowerCase()
}

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra })
  res.end(head ? undefined : body)
}

function handle(root: string, loopbackOnly: boolean, req: IncomingMessage, res: ServerResponse): void {
  const head = req.method === 'HEAD'
  if (req.method !== 'GET' && !head) return send(res, 405, 'text/plain; charset=utf-8', 'read-only: GET and HEAD only\n', false, { Allow: 'GET, HEAD' })
  if (loopbackOnly && !isLoopback(hostnameOf(req.headers.host))) return send(res, 403, 'text/plain; charset=utf-8', 'this server answers requests for 127.0.0.1 or localhost only\n', head)
  const raw = req.url ?? '/'
  const q = raw.indexOf('?')
  const pathname = q === -1 ? raw : raw.slice(0, q)
  if (pathname === '/') {
    const wanted = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)).get('verdict') ?? undefined
    const verdict = VERDICTS.includes(wanted as RunVerdict) ? (wanted as RunVerdict) : undefined
    return send(res, 200, TYPES['.html']!, indexPage(root, listRuns(root), verdict), head)
  }
  // Browsers ask for it on every page; a store has none.
  if (pathname === '/favicon.ico') return send(res, 204, 'text/plain; charset=utf-8', '', head)
  const resolved = resolveInStore(root, pathname)
  if ('refused' in resolved) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head)
  let st
  try {
    st = statSync(resolved.path)
  } catch {
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head)
  }
  if (st.isDirectory()) {
    if (!pathname.endsWith('/')) return send(res, 301, 'text/plain; charset=utf-8', 'moved\n', head, { Location: `${pathname}/` })
    const entries = readdirSync(resolved.path).flatMap((name) => {
      try {
        const s = statSync(join(resolved.path, name))
        return [{ name, dir: s.isDirectory(), bytes: s.size }]
      } catch {
        return [] // a dangling link: nothing to show
      }
    })
    return send(res, 200, TYPES['.html']!, folderPage(pathname, entries), head)
  }
  if (!st.isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head)
  res.writeHead(200, { ...HEADERS, 'Content-Type': TYPES[extname(resolved.path).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': st.size })
  if (head) return void res.end()
  const stream = createReadStream(resolved.path)
  stream.on('error', () => res.destroy())
  res.on('close', () => stream.destroy())
  stream.pipe(res)
}

/** Starts the server; resolves once it listens (rejects with the listen error, e.g. EADDRINUSE). */
export async function serveStore(options: ServeOptions): Promise<RunningServer> {
  const root = storeRoot(options.store)
  const loopbackOnly = isLoopback(options.host)
  const server: Server = createServer((req, res) => {
    try {
      handle(root, loopbackOnly, req, res)
    } catch {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n', false)
      else res.destroy()
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
