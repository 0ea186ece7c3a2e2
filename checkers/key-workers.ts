/**
 * Worker threads for the linearizability fold by key: each reads batches of
 * whole keys from the history file and checks them (linearizable-keys-worker.ts),
 * sending back only the verdict. The threads live for one check and are ended
 * on every path.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { KeyBatch } from '../core/history/keys.js'
import type { BatchVerdict } from './key-verdicts.js'
import type { LinearizableCheck } from './linearizable-result.js'

/** What every worker of one check gets: the history file and the check. */
export interface KeyWorkerData {
  path: string
  /** HistoryPositions as an array. */
  positions: number[]
  check: LinearizableCheck
}

export interface KeyJob {
  batch: KeyBatch
  timeoutMs: number | undefined
}

export type KeyReply = { verdict: BatchVerdict } | { error: string }

/** The compiled worker script, or why there is none (from TypeScript sources there is none). */
export function keyWorkerScript(): { url: URL } | { reason: string } {
  if (import.meta.url.endsWith('.ts')) return { reason: 'running from TypeScript sources: workers need the compiled script' }
  const url = new URL('./linearizable-keys-worker.js', import.meta.url)
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return { reason: `no worker script at ${url.href}` }
  return { url }
}

/**
 * Checks every batch of `plan` on `count` worker threads, two batches queued
 * on each so none waits for its next; `onVerdict` gets each verdict as it
 * comes. Rejects on the first error (a worker that fails or dies).
 */
export async function runOnKeyWorkers(
  script: URL,
  count: number,
  data: KeyWorkerData,
  plan: Iterable<KeyBatch>,
  timeLeft: () => number | undefined,
  onVerdict: (v: BatchVerdict) => void,
): Promise<void> {
  const workers: Worker[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      const batches = plan[Symbol.iterator]()
      let outstanding = 0
      let ended = false
      const end = (error?: unknown): void => {
        if (ended) return
        ended = true
        if (error === undefined) resolve()
        else reject(error instanceof Error ? error : new Error(String(error)))
      }
      const feed = (w: Worker): void => {
        if (ended) return
        const next = batches.next()
        if (next.done) {
          if (outstanding === 0) end()
          return
        }
        outstanding++
        w.postMessage({ batch: next.value, timeoutMs: timeLeft() } satisfies KeyJob)
      }
      for (let i = 0; i < count; i++) {
        const w = new Worker(script, { workerData: data })
        workers.push(w)
        w.on('message', (reply: KeyReply) => {
          outstanding--
          if ('error' in reply) return end(new Error(`linearizability worker: ${reply.error}`))
          onVerdict(reply.verdict)
          feed(w)
        })
        w.on('error', (e) => end(e))
        w.on('exit', (code) => end(new Error(`a linearizability worker stopped (exit code ${code}) before the check was done`)))
        feed(w)
        feed(w)
      }
    })
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}
