/**
 * Reader for the Jepsen etcd logs in Porcupine's test data (`jepsen/etcd_NNN.log`):
 * `INFO  jepsen.util - <proc> <type> <f> <value>` per line, fields separated by
 * TABs (a few files use spaces). Read as Porcupine's tests read it, for the
 * cas-register model:
 * - `:invoke` is a call; `:ok` and `:fail` are returns of that process's open call;
 *   `:info` lines are skipped (the operation stays open).
 * - a read returns `nil` (→ `null`) or an integer; `:fail :read :timed-out` is a
 *   return with an unknown output; a cas returns `true` on `:ok`, `false` on `:fail`.
 * - operations still open at the end get a return with an unknown output after
 *   the last line (`openAtEnd: 'return'`, the default), or are left open
 *   (`'pending'`: may have happened or not). Both give the same verdicts for a
 *   register.
 */
import type { Event } from '../types.js'
import type { OpInput } from '../models/values.js'

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:([\w-]+)\s+(.*?)\s*$/

function parseValue(text: string, where: string): unknown {
  if (text === 'nil') return null
  if (/^-?\d+$/.test(text)) return Number(text)
  const pair = /^\[(-?\d+|nil)\s+(-?\d+|nil)\]$/.exec(text)
  if (pair) return [parseValue(pair[1]!, where), parseValue(pair[2]!, where)]
  if (text === ':timed-out') return undefined
  throw new Error(`${where}: cannot read value '${text}'`)
}

export function parseEtcdLog(text: string, options: { openAtEnd?: 'return' | 'pending' } = {}): Event<OpInput, unknown>[] {
  const events: Event<OpInput, unknown>[] = []
  const open = new Map<number, { id: number; f: string }>()
  let nextId = 0
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd()
    if (line === '') return
    const where = `line ${i + 1}`
    const m = LINE.exec(line)
    if (!m) throw new Error(`${where}: not a jepsen.util operation line: ${line}`)
    const proc = Number(m[1])
    const type = m[2]!
    const f = m[3]!
    const value = parseValue(m[4]!, where)
    if (type === 'info') return
    if (type === 'invoke') {
      if (open.has(proc)) throw new Error(`${where}: process ${proc} invokes while its previous operation is open`)
      const id = nextId++
      open.set(proc, { id, f })
      events.push({ kind: 'call', clientId: proc, id, value: f === 'read' ? { f } : { f, value } })
      return
    }
    const call = open.get(proc)
    if (!call) throw new Error(`${where}: process ${proc} completes an operation it never invoked`)
    open.delete(proc)
    let output: unknown
    if (call.f === 'cas') output = value === undefined ? undefined : type === 'ok'
    else if (call.f === 'read') output = type === 'ok' ? value : undefined
    else output = undefined
    events.push({ kind: 'return', clientId: proc, id: call.id, value: output })
  })
  if ((options.openAtEnd ?? 'return') === 'return') {
    for (const [proc, call] of open) events.push({ kind: 'return', clientId: proc, id: call.id, value: undefined })
  }
  return events
}
