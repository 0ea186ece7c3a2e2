// tiny-kv: a small replicated-by-forwarding key-value server, one process per
// node, written in plain Node (no dependencies) so it runs in dstest's node
// image as it is. The first node of --peers is the primary: it holds the data,
// in memory and in an append-only log that it syncs to disk before it answers.
// Every other node forwards each request to the primary and relays its answer.
//
//   node server.mjs --id n2 --port 7300 --peers n1=10.0.0.2,n2=10.0.0.3 --data /var/lib/tiny-kv [--bug stale-reads]
//
//   GET  /status                          → { ok: true, id, primary }
//   POST /read  { key }                   → { ok: true, value }   (null when unset)
//   POST /write { key, value }            → { ok: true }
//   POST /cas   { key, from, to }         → { ok: true } | { ok: false, error: 'cas-mismatch' }
//   POST /add   { key, element }          → { ok: true } | { ok: false, error: 'type-mismatch' }
//
// Errors a forwarding node answers: 'unavailable' when it could not even reach
// the primary (nothing was sent: certainly not applied), 'timeout' when the
// request was sent but no answer came back (it may have been applied).
//
// --bug stale-reads: a forwarding node remembers the values it has relayed
// and answers later reads of those keys itself, without asking the primary.
import { existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs'
import { createServer, request } from 'node:http'
import { join } from 'node:path'

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1]]] : [])),
)
for (const required of ['id', 'port', 'peers', 'data']) {
  if (!args[required]) {
    console.error(`tiny-kv: --${required} is required`)
    process.exit(2)
  }
}
const port = Number(args.port)
const peers = args.peers.split(',').map((p) => p.split('='))
const [primary, primaryHost] = peers[0]
const isPrimary = args.id === primary
const staleReads = args.bug === 'stale-reads'
const log = (message) => console.log(`${new Date().toISOString()} ${args.id} ${message}`)

// The primary's data: replayed from its log, each line { key, value } the key's new value.
const data = new Map()
const logFile = join(args.data, 'log.jsonl')
mkdirSync(args.data, { recursive: true })
if (isPrimary && existsSync(logFile)) {
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    // A line cut short by a crash was never acknowledged: skip it.
    try {
      const { key, value } = JSON.parse(line)
      data.set(key, value)
    } catch {}
  }
}
const fd = isPrimary ? openSync(logFile, 'a') : -1
function store(key, value) {
  writeSync(fd, JSON.stringify({ key, value }) + '\n')
  fsyncSync(fd)
  data.set(key, value)
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b)

/** The primary applies one request; single-threaded, so requests apply one at a time. */
function apply(path, body) {
  const current = data.has(body.key) ? data.get(body.key) : null
  switch (path) {
    case '/read':
      return { ok: true, value: current }
    case '/write':
      store(body.key, body.value)
      return { ok: true }
    case '/cas':
      if (!same(current, body.from)) return { ok: false, error: 'cas-mismatch' }
      store(body.key, body.to)
      return { ok: true }
    case '/add':
      if (current !== null && !Array.isArray(current)) return { ok: false, error: 'type-mismatch' }
      store(body.key, [...(current ?? []), body.element])
      return { ok: true }
    default:
      return { ok: false, error: 'bad-request' }
  }
}

// What a forwarding node has relayed, per key (used by bug stale-reads only).
const seen = new Map()
function remember(path, body, answer) {
  if (!answer.ok) return
  if (path === '/read') seen.set(body.key, answer.value)
  if (path === '/write') seen.set(body.key, body.value)
  if (path === '/cas') seen.set(body.key, body.to)
  if (path === '/add') seen.set(body.key, [...(seen.get(body.key) ?? []), body.element])
}

/** A forwarding node passes one request to the primary. */
function forward(path, body) {
  return new Promise((resolve) => {
    let connected = false
    const req = request({ host: primaryHost, port, path, method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 1000 })
    // Sent, as far as anyone can tell, once connected: a reused keep-alive socket already is.
    req.on('socket', (socket) => (socket.connecting ? socket.once('connect', () => (connected = true)) : (connected = true)))
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve({ ok: false, error: connected ? 'timeout' : 'unavailable' }))
    req.on('response', (res) => {
      let text = ''
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => {
        try {
          resolve(JSON.parse(text))
        } catch {
          resolve({ ok: false, error: 'timeout' })
        }
      })
    })
    req.end(JSON.stringify(body))
  })
}

async function answer(path, body) {
  if (isPrimary) return apply(path, body)
  if (staleReads && path === '/read' && seen.has(body.key)) return { ok: true, value: seen.get(body.key) }
  const reply = await forward(path, body)
  remember(path, body, reply)
  return reply
}

const server = createServer((req, res) => {
  let text = ''
  req.on('data', (chunk) => (text += chunk))
  req.on('end', async () => {
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method === 'GET' && req.url === '/status') return reply(200, { ok: true, id: args.id, primary })
    let body
    try {
      body = JSON.parse(text)
    } catch {
      return reply(400, { ok: false, error: 'bad-request' })
    }
    const result = await answer(req.url, body)
    reply(result.ok ? 200 : result.error === 'unavailable' || result.error === 'timeout' ? 503 : 409, result)
  })
})
server.listen(port, '0.0.0.0', () => log(`listening on ${port} as ${isPrimary ? 'primary' : `a forwarder to ${primary}`}${staleReads ? ' with bug stale-reads' : ''}`))
process.on('SIGTERM', () => {
  log('SIGTERM: stopping')
  process.exit(0)
})
