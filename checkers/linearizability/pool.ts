/**
 * A small pool of worker threads, each checking a group of partitions. The pool is
 * shared by all checks of a process, created on first use, and its threads are
 * unref'd so they never keep the process alive; `closeWorkers()` ends them.
 * Workers run the compiled `worker.js` next to this module; from TypeScript
 * sources (e.g. under vitest) there is none and checks stay on the calling thread.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Consistency, ModelSpec, Operation, PartitionResult } from './types.js'

export interface PartitionJob {
  id: number
  spec: ModelSpec
  parts: { index: number; ops: readonly Operation<unknown, unknown>[] }[]
  consistency: Consistency
  timeoutMs: number | undefined
  maxCacheEntries: number
  verbose: boolean
  maxLongest: number
  /** Shared: steps of the cheapest illegal partition so far (int32 max: none). */
  threshold: Int32Array
}

export type PartitionReply = { id: number; results: PartitionResult[] } | { id: number; error: string }

interface Slot {
  worker: Worker
  busy: { job: PartitionJob; resolve: (r: PartitionResult[]) => void; reject: (e: Error) => void } | undefined
}

/** The worker script, or why there is none. */
export function workerScript(): { url: URL } | { reason: string } {
  if (import.meta.url.endsWith('.ts')) return { reason: 'running from TypeScript sources: workers need the compiled worker.js' }
  const url = new URL('./worker.js', import.meta.url)
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return { reason: `no worker script at ${url.href}` }
  return { url }
}

class WorkerPool {
  private readonly slots: Slot[] = []
  private readonly queue: { job: PartitionJob; resolve: (r: PartitionResult[]) => void; reject: (e: Error) => void }[] = []
  private nextId = 0

  constructor(private readonly script: URL) {}

  get size(): number {
    return this.slots.length
  }

  ensure(count: number): void {
    while (this.slots.length < count) this.spawn()
  }

  run(job: Omit<PartitionJob, 'id'>): Promise<PartitionResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...job, id: this.nextId++ }, resolve, reject })
      this.dispatch()
    })
  }

  close(): Promise<void> {
    const slots = this.slots.splice(0)
    for (const task of this.queue.splice(0)) task.reject(new Error('worker pool closed'))
    return Promise.all(slots.map((s) => s.worker.terminate())).then(() => undefined)
  }

  private spawn(): void {
    const worker = new Worker(this.script)
    worker.unref()
    const slot: Slot = { worker, busy: undefined }
    worker.on('message', (reply: PartitionReply) => {
      const task = slot.busy
      slot.busy = undefined
      worker.unref()
      if (task) {
        if ('error' in reply) task.reject(new Error(`linearizability worker: ${reply.error}`))
        else task.resolve(reply.results)
      }
      this.dispatch()
    })
    worker.on('error', (e) => {
      const i = this.slots.indexOf(slot)
      if (i >= 0) this.slots.splice(i, 1)
      slot.busy?.reject(e)
      slot.busy = undefined
    })
    this.slots.push(slot)
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue
      const task = this.queue.shift()
      if (!task) return
      slot.busy = task
      // Keep the process alive while a job is out, so the promise can settle.
      slot.worker.ref()
      slot.worker.postMessage(task.job)
    }
  }
}

let shared: WorkerPool | undefined

export function pool(script: URL, size: number): WorkerPool {
  shared ??= new WorkerPool(script)
  shared.ensure(size)
  return shared
}

/** Ends the shared worker threads (they are also unref'd and end with the process). */
export async function closeWorkers(): Promise<void> {
  const p = shared
  shared = undefined
  await p?.close()
}
