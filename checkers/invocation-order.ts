/**
 * Completed operations handed on in the order they were invoked, for checkers
 * that fold over a history but judge its reads in invocation order (as
 * `pairOps` lists them): the set's "last read", the bank's "first read".
 * A completion waits only while an operation invoked before it is still in
 * flight, so what waits is bounded by the operations that complete while the
 * oldest one in flight is open (a few per client thread), not by the history.
 *
 * An invocation that is never completed (its process invokes again, or the
 * history ends first) holds nothing back: the first case is noticed at the
 * process's next invocation, the second at `finish`.
 */
import type { Process } from '../core/op.js'

interface Waiting<T> {
  invokeIndex: number
  item: T
}

export class InvocationOrder<T> {
  /** The invocation each process has in flight, by history index. */
  private readonly inFlight = new Map<Process, number>()
  /** Completed items, ascending by invocation index, from `head` on. */
  private waiting: Waiting<T>[] = []
  private head = 0

  constructor(private readonly release: (item: T, invokeIndex: number) => void) {}

  /** An operation of interest was invoked. */
  invoked(process: Process, invokeIndex: number): void {
    // A process invoking again leaves its previous operation pending for ever: it holds nothing back.
    this.inFlight.set(process, invokeIndex)
    this.drain()
  }

  /** `process` invoked something else: an operation of interest it had in flight never completes. */
  abandon(process: Process): void {
    if (this.inFlight.delete(process)) this.drain()
  }

  /** `process`'s operation completed; `item` (when given) is released in its invocation's turn. */
  completed(process: Process, item?: T): void {
    const invokeIndex = this.inFlight.get(process)
    if (invokeIndex === undefined) return
    this.inFlight.delete(process)
    if (item !== undefined) this.insert({ invokeIndex, item })
    this.drain()
  }

  /** The history ended: whatever is still in flight never completes, and everything waiting is released. */
  finish(): void {
    this.inFlight.clear()
    this.drain()
  }

  private insert(w: Waiting<T>): void {
    let i = this.waiting.length
    while (i > this.head && this.waiting[i - 1]!.invokeIndex > w.invokeIndex) i--
    this.waiting.splice(i, 0, w)
  }

  private drain(): void {
    if (this.head >= this.waiting.length) return
    let oldest = Infinity
    for (const i of this.inFlight.values()) if (i < oldest) oldest = i
    while (this.head < this.waiting.length && this.waiting[this.head]!.invokeIndex < oldest) {
      const w = this.waiting[this.head]!
      this.waiting[this.head++] = undefined as unknown as Waiting<T>
      this.release(w.item, w.invokeIndex)
    }
    if (this.head === this.waiting.length) {
      this.waiting = []
      this.head = 0
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head)
      this.head = 0
    }
  }
}
