// The dstest side of ZooKeeper: one client per worker process, with one
// ZooKeeper session on ONE server, the worker's own node (thread i → node
// i mod N). A session given the whole ensemble would move to another server
// whenever its own is cut off, and reads would mostly come from servers in the
// majority: the stale reads that ZooKeeper's consistency model allows (a
// server answers from its own copy) would hardly ever show. Pinned to one
// server, a client in a minority partition keeps asking that server.
import zookeeper, { type Client as ZkClient } from 'node-zookeeper-client'
import { NoAnswer, performRequest, type Client, type Completion, type Invocation } from 'dstest'
import { CLIENT_PORT } from './ensemble.js'
import { attemptRegisterOp, type ZkAnswer, type ZkSession, type ZnodeData } from './register.js'
import { withConnectionFixes } from './connection-fixes.js'
import { sync } from './sync.js'

/** Requested session timeout; the servers grant 4-40 s (2 to 20 ticks). */
const SESSION_TIMEOUT_MS = 30_000

export class ZooKeeperClient implements Client {
  private zk: ZkClient

  constructor(
    private readonly node: string,
    private readonly address: string,
    /** sync() before every read (ZooKeeper's way to a read that sees every completed write); off under --bug no-sync. */
    private readonly syncFirst: boolean,
  ) {
    this.zk = this.open()
  }

  /**
   * A session on this node's server only. retries: 0, because the library's
   * own retry re-sends a request after a connection loss, when the first one
   * may have been applied: a cas would then come back BadVersion (a fail) for a
   * swap that happened.
   */
  private open(): ZkClient {
    const zk = withConnectionFixes(zookeeper.createClient(`${this.address}:${CLIENT_PORT}`, { sessionTimeout: SESSION_TIMEOUT_MS, spinDelay: 1000, retries: 0 }))
    zk.connect()
    return zk
  }

  /** The session, if connected now; an expired session is replaced by a new one (which is not connected yet). */
  private session(): ZkClient | undefined {
    const state = this.zk.getState()
    if (state === zookeeper.State.SYNC_CONNECTED) return this.zk
    if (state === zookeeper.State.EXPIRED || state === zookeeper.State.AUTH_FAILED) {
      this.zk.close()
      this.zk = this.open()
    }
    return undefined
  }

  invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    return performRequest(op, { signal, node: this.node, readOnly: op.f === 'read' }, async ({ signal, deadline }) => {
      const zk = this.session()
      // Nothing is sent while the session is down (the library would queue it and send it on reconnection).
      if (!zk) throw new NoAnswer(false, `${this.node}: not connected to ZooKeeper (${this.zk.getState().name})`, this.node)
      return attemptRegisterOp(op.f, op.value, sessionOf(zk, signal, deadline), this.syncFirst)
    })
  }

  async close(): Promise<void> {
    this.zk.close()
  }
}

/** The requests of one attempt, each ending with the server's answer or 'no-answer' when the attempt's time is up. */
function sessionOf(zk: ZkClient, signal: AbortSignal, deadline: number): ZkSession {
  return {
    sync: (path) => call<void>(signal, deadline, (done) => sync(zk, path, (e) => done(e))),
    getData: (path) => call<ZnodeData>(signal, deadline, (done) => zk.getData(path, (e, data, stat) => done(e, { data: data ?? undefined, version: stat?.version ?? -1 }))),
    setData: (path, data, version) => call<void>(signal, deadline, (done) => zk.setData(path, data, version, (e) => done(e))),
    create: (path, data) => call<void>(signal, deadline, (done) => zk.create(path, data, (e) => done(e))),
  }
}

function call<T>(signal: AbortSignal, deadline: number, start: (done: (error: unknown, value?: T) => void) => void): Promise<ZkAnswer<T>> {
  return new Promise((resolve) => {
    let settled = false
    const finish = (answer: ZkAnswer<T>): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal.removeEventListener('abort', timedOut)
      resolve(answer)
    }
    const timedOut = (): void => finish({ ok: false, code: 'no-answer', error: 'no answer in time' })
    const timer = setTimeout(timedOut, Math.max(0, deadline - Date.now()))
    signal.addEventListener('abort', timedOut, { once: true })
    if (signal.aborted) return timedOut()
    try {
      start((error, value) => finish(error ? { ok: false, ...codeOf(error) } : { ok: true, value: value as T }))
    } catch (err) {
      // The library refused the call itself (an assertion): nothing was sent.
      finish({ ok: false, code: 'no-answer', error: String((err as Error)?.message ?? err) })
    }
  })
}

/** node-zookeeper-client's Exception carries ZooKeeper's code; anything else is no answer from the server. */
function codeOf(error: unknown): { code: number | 'no-answer'; error: string } {
  const e = error as { getCode?: () => number; getName?: () => string; message?: string }
  if (typeof e?.getCode === 'function') return { code: e.getCode(), error: typeof e.getName === 'function' ? e.getName() : String(e.getCode()) }
  return { code: 'no-answer', error: String(e?.message ?? error) }
}
