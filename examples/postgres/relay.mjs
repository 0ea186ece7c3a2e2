// pg-relay: a TCP relay that runs on every node but the server's, so that the
// clients of that node reach PostgreSQL across the cluster's network and a
// partition between the node and the server cuts them off (dstest's clients
// run on the control machine, outside every partition). Plain Node, no
// dependencies.
//
//   node relay.mjs --listen 5432 --to 10.0.0.2:5432
//
// Each client connection gets its own connection to the server, and the two
// live and die together: when either side closes or fails, both are closed,
// so a client whose path to the server is cut sees its connection end (or
// time out) rather than a relay that answers for the server.
import { connect, createServer } from 'node:net'

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1]]] : [])),
)
if (!args.listen || !args.to || !/^[^:]+:\d+$/.test(args.to)) {
  console.error('pg-relay: usage: relay.mjs --listen PORT --to HOST:PORT')
  process.exit(2)
}
const [host, port] = args.to.split(':')
const log = (message) => console.log(`${new Date().toISOString()} pg-relay ${message}`)
let open = 0

const server = createServer((client) => {
  open++
  const upstream = connect({ host, port: Number(port) })
  // A partition drops packets silently: without a bound, a connect to the
  // server would wait for the kernel's SYN retries (about two minutes).
  upstream.setTimeout(5000, () => upstream.destroy(new Error('no answer from the server within 5 s')))
  upstream.once('connect', () => {
    upstream.setTimeout(0)
    // Dead peers are noticed within seconds even when nothing is being sent.
    upstream.setKeepAlive(true, 1000)
  })
  client.setKeepAlive(true, 1000)
  let closed = false
  const close = (why) => {
    if (closed) return
    closed = true
    open--
    if (why) log(`closing a connection (${open} open): ${why}`)
    client.destroy()
    upstream.destroy()
  }
  client.on('error', (err) => close(`client: ${err.message}`))
  upstream.on('error', (err) => close(`server: ${err.message}`))
  client.on('close', () => close())
  upstream.on('close', () => close())
  client.pipe(upstream)
  upstream.pipe(client)
})
server.listen(Number(args.listen), '0.0.0.0', () => log(`listening on ${args.listen}, relaying to ${args.to}`))
process.on('SIGTERM', () => {
  log('SIGTERM: stopping')
  process.exit(0)
})
