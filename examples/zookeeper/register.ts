// The register workload's operations on ZooKeeper, one znode per key, and the
// rule that says what each answer means (ok / fail / info). Written against a
// small `ZkSession` (one session on one server) so the rule can be read, and
// tested, apart from the network:
//
//   read  [k, null]        (sync, unless --bug no-sync) getData → ok [k, value]; no znode → ok [k, null]
//   write [k, v]           setData(v, any version); no znode → create(v); created meanwhile → setData again
//   cas   [k, [from, to]]  (sync, unless no-sync) getData → value and version; a value other than
//                          `from` → fail; else setData(to, that version): the server applies it only
//                          if nobody wrote in between, so the compare and the swap are one step;
//                          BadVersion → fail. From null on no znode: create(to); NodeExists → fail.
//
// ZooKeeper answers a request on a session definitely (ok, or an error code
// such as BadVersion that says it did nothing) or not at all. Anything that may
// have reached the leader without an answer (connection loss, session expiry,
// the operation timing out) leaves a write `info`.
import type { AttemptOutcome } from 'dstest'

/** ZooKeeper's error codes (KeeperException.Code), as node-zookeeper-client reports them. */
export const Code = {
  SYSTEM_ERROR: -1,
  RUNTIME_INCONSISTENCY: -2,
  CONNECTION_LOSS: -4,
  OPERATION_TIMEOUT: -7,
  BAD_ARGUMENTS: -8,
  NO_NODE: -101,
  NO_AUTH: -102,
  BAD_VERSION: -103,
  NODE_EXISTS: -110,
  SESSION_EXPIRED: -112,
  INVALID_ACL: -114,
} as const

/** What one request got: its result, or an error code ('no-answer': nothing came back in time). */
export type ZkAnswer<T> = { ok: true; value: T } | { ok: false; code: number | 'no-answer'; error: string }

export interface ZnodeData {
  /** undefined for a znode without data. */
  data: Buffer | undefined
  version: number
}

/** One ZooKeeper session on one server: the requests the register needs. */
export interface ZkSession {
  sync(path: string): Promise<ZkAnswer<void>>
  getData(path: string): Promise<ZkAnswer<ZnodeData>>
  /** version -1: whatever the znode's version. */
  setData(path: string, data: Buffer, version: number): Promise<ZkAnswer<void>>
  create(path: string, data: Buffer): Promise<ZkAnswer<void>>
}

/**
 * Errors with which the server turned a write down without applying it. Every
 * other failure (connection loss, session expiry, a timeout, a server-side
 * system error) may hide a write the leader applied.
 */
const REJECTED = new Set<number | 'no-answer'>([Code.NO_NODE, Code.BAD_VERSION, Code.NODE_EXISTS, Code.BAD_ARGUMENTS, Code.NO_AUTH, Code.INVALID_ACL])

/** The znode that holds a key. */
export function znodeOf(key: unknown): string {
  const k = String(key)
  if (!/^[\w.-]+$/.test(k)) throw new RangeError(`register key ${JSON.stringify(key)} cannot name a znode`)
  return `/register-${k}`
}

export const encode = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8')
export const decode = (data: Buffer | undefined): unknown => (data === undefined || data.length === 0 ? null : JSON.parse(data.toString('utf8')))

/** A write's answer that was not ok: turned down (fail), or maybe applied (info). */
function notApplied(answer: { code: number | 'no-answer'; error: string }): AttemptOutcome {
  return REJECTED.has(answer.code) ? { type: 'refused', error: answer.error, retry: 'never' } : { type: 'unknown', error: answer.error }
}

/** A failure before anything that changes data was sent: nothing was applied, ask again later. */
const notSent = (answer: { error: string }): AttemptOutcome => ({ type: 'refused', error: answer.error, retry: 'later' })

/** A read's failure: nothing changed, so performRequest asks again (or fails the read). */
const readFailed = (answer: { code: number | 'no-answer'; error: string }): AttemptOutcome =>
  answer.code === 'no-answer' ? { type: 'unknown', error: answer.error } : notSent(answer)

/** One attempt at a register operation; performRequest turns it into ok / fail / info. */
export async function attemptRegisterOp(f: string, value: unknown, zk: ZkSession, syncFirst: boolean): Promise<AttemptOutcome> {
  if (!Array.isArray(value) || value.length !== 2) return { type: 'refused', error: `bad register value ${JSON.stringify(value)}`, retry: 'never' }
  const [key, arg] = value as [unknown, unknown]
  const path = znodeOf(key)
  switch (f) {
    case 'read': {
      if (syncFirst) {
        const s = await zk.sync(path)
        if (!s.ok) return readFailed(s)
      }
      const g = await zk.getData(path)
      if (g.ok) return { type: 'ok', value: [key, decode(g.value.data)] }
      if (g.code === Code.NO_NODE) return { type: 'ok', value: [key, null] }
      return readFailed(g)
    }
    case 'write': {
      const s = await zk.setData(path, encode(arg), -1)
      if (s.ok) return { type: 'ok', value }
      if (s.code !== Code.NO_NODE) return notApplied(s)
      // The first write of this key: create its znode.
      const c = await zk.create(path, encode(arg))
      if (c.ok) return { type: 'ok', value }
      if (c.code !== Code.NODE_EXISTS) return notApplied(c)
      // Another client created it meanwhile: both the setData and the create did nothing, so set it now.
      const again = await zk.setData(path, encode(arg), -1)
      return again.ok ? { type: 'ok', value } : notApplied(again)
    }
    case 'cas': {
      if (!Array.isArray(arg) || arg.length !== 2) return { type: 'refused', error: `bad cas argument ${JSON.stringify(arg)}`, retry: 'never' }
      const [from, to] = arg as [unknown, unknown]
      if (syncFirst) {
        const s = await zk.sync(path)
        if (!s.ok) return notSent(s)
      }
      const g = await zk.getData(path)
      if (!g.ok && g.code !== Code.NO_NODE) return notSent(g)
      if (!g.ok) {
        // No znode: the register holds null.
        if (from !== null) return { type: 'refused', error: 'cas-mismatch: no znode', retry: 'never' }
        const c = await zk.create(path, encode(to))
        if (c.ok) return { type: 'ok', value }
        return c.code === Code.NODE_EXISTS ? { type: 'refused', error: 'cas-mismatch: created by another client', retry: 'never' } : notApplied(c)
      }
      if (JSON.stringify(decode(g.value.data)) !== JSON.stringify(from)) return { type: 'refused', error: 'cas-mismatch', retry: 'never' }
      // Applied only if the znode still has the version read: nobody wrote since.
      const s = await zk.setData(path, encode(to), g.value.version)
      if (s.ok) return { type: 'ok', value }
      return s.code === Code.BAD_VERSION ? { type: 'refused', error: 'cas-mismatch: bad version', retry: 'never' } : notApplied(s)
    }
    default:
      return { type: 'refused', error: `the zookeeper client has no operation ${f}`, retry: 'never' }
  }
}
