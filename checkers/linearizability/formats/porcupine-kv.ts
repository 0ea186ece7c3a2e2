/**
 * Reader for Porcupine's kv test data (`kv/cNN-{ok,bad}.txt`): one EDN-style map
 * per line, `{:process 0, :type :invoke, :f :append, :key "9", :value "x 0 5 y"}`.
 * Each `:invoke` is a call, each `:ok` the return of that process's open call; a
 * get's output is the string read. For the kv models.
 */
import type { Event } from '../types.js'
import type { OpInput } from '../models/values.js'

const LINE = /^\{:process (\d+), :type :(invoke|ok), :f :(get|put|append), :key "((?:[^"\\]|\\.)*)", :value (nil|"((?:[^"\\]|\\.)*)")\}$/

export function parseKvLog(text: string): Event<OpInput, unknown>[] {
  const events: Event<OpInput, unknown>[] = []
  const open = new Map<number, number>()
  let nextId = 0
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '') return
    const m = LINE.exec(line)
    if (!m) throw new Error(`line ${i + 1}: not a kv operation: ${line}`)
    const proc = Number(m[1])
    const f = m[3]!
    const key = JSON.parse(`"${m[4]!}"`) as string
    const value = m[5] === 'nil' ? null : (JSON.parse(`"${m[6]!}"`) as string)
    if (m[2] === 'invoke') {
      if (open.has(proc)) throw new Error(`line ${i + 1}: process ${proc} invokes while its previous operation is open`)
      const id = nextId++
      open.set(proc, id)
      events.push({ kind: 'call', clientId: proc, id, value: f === 'get' ? { f, key } : { f, key, value } })
    } else {
      const id = open.get(proc)
      if (id === undefined) throw new Error(`line ${i + 1}: process ${proc} completes an operation it never invoked`)
      open.delete(proc)
      events.push({ kind: 'return', clientId: proc, id, value: f === 'get' ? value : undefined })
    }
  })
  return events
}
