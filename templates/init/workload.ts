// tiny-set, the workload this project's target ships: clients add unique
// elements to one set and read it now and then; once every fault is healed,
// each client reads it once more. Every element whose add was acknowledged
// (ok) must be in those final reads, and nothing that was never added; an add
// that ended info may be there or not. (dstest's bundled `set` workload is the
// thorough version of this: many sets, and every element followed over time.)
import { defineWorkload, gen, pairOps, type Checker, type Op } from 'dstest'

const KEY = 'set'

const finalReads: Checker = {
  name: 'final-reads',
  check(history) {
    const attempted = new Set<unknown>()
    const acknowledged = new Set<unknown>()
    let lastAddDone = -1
    for (const op of history) {
      if (op.f !== 'add') continue
      const element = (op.value as [string, unknown])[1]
      if (op.type === 'invoke') attempted.add(element)
      else lastAddDone = op.index
      if (op.type === 'ok') acknowledged.add(element)
    }
    // The final reads: begun after every add had completed.
    const finals = pairOps(history).filter((p) => p.invoke.f === 'read' && p.invoke.index > lastAddDone && p.complete?.type === 'ok')
    if (finals.length === 0) return { valid: 'unknown', summary: 'no final read completed' }
    for (const { complete } of finals) {
      const read = new Set(((complete as Op).value as [string, unknown[] | null])[1] ?? [])
      const lost = [...acknowledged].filter((e) => !read.has(e))
      const unexpected = [...read].filter((e) => !attempted.has(e))
      if (lost.length > 0 || unexpected.length > 0) {
        return {
          valid: false,
          summary: `a final read on ${complete?.node} lacks ${lost.length} acknowledged element(s)${unexpected.length ? ` and holds ${unexpected.length} never added` : ''}`,
          lost: lost.slice(0, 20),
          unexpected: unexpected.slice(0, 20),
        }
      }
    }
    return { valid: true, summary: `${finals.length} final read(s) hold all ${acknowledged.size} acknowledged element(s)` }
  },
}

export default defineWorkload({
  name: 'tiny-set',
  description: 'add unique elements to one set, then read it from every client once faults are healed',
  operations: ['add', 'read'],
  generator() {
    let next = 0
    return (ctx) => (ctx.random.bool(0.9) ? { f: 'add', value: [KEY, next++] } : { f: 'read', value: [KEY, null] })
  },
  finalGenerator: () => gen.eachThread({ f: 'read', value: [KEY, null] }),
  checkers: () => ({ 'final-reads': finalReads }),
})
