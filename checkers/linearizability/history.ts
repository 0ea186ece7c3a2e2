/** Turning an event history into an operation history. */
import type { Event, Operation } from './types.js'

/**
 * Pairs each call with the return of the same `id`. Times are positions in the
 * event list, so the list's order is the real-time order. A call with no return
 * never completed (return = Infinity).
 */
export function eventsToOperations<Input, Output>(events: readonly Event<Input, Output>[]): Operation<Input, Output>[] {
  const ops: Operation<Input, Output>[] = []
  const open = new Map<number, Operation<Input, Output>>()
  events.forEach((e, position) => {
    if (e.kind === 'call') {
      if (open.has(e.id)) throw new Error(`event ${position}: a second call with id ${e.id} before its return`)
      const op: Operation<Input, Output> = { clientId: e.clientId, input: e.value as Input, call: position, return: Infinity, id: e.id }
      open.set(e.id, op)
      ops.push(op)
    } else {
      const op = open.get(e.id)
      if (!op) throw new Error(`event ${position}: a return with id ${e.id} that has no open call`)
      open.delete(e.id)
      op.return = position
      op.output = e.value as Output | undefined
    }
  })
  return ops
}
