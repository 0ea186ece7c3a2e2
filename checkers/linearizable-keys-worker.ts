/**
 * A worker thread of the linearizability fold by key (key-workers.ts): reads
 * each batch of keys it is sent from the history file, checks it, and sends
 * back the verdict. Batches are handled one at a time, in the order sent.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { readKeyBatch } from '../core/history/keys.js'
import { HistoryPositions } from '../core/history/positions.js'
import { historyFile } from '../core/history/source.js'
import type { KeyJob, KeyReply, KeyWorkerData } from './key-workers.js'
import { checkBatch, keyOfInvocation } from './linearizable-keys.js'

const data = workerData as KeyWorkerData
const source = historyFile(data.path, { positions: HistoryPositions.fromArray(data.positions) })
let queue = Promise.resolve()

parentPort?.on('message', (job: KeyJob) => {
  queue = queue.then(async () => {
    let reply: KeyReply
    try {
      const ops = await readKeyBatch(source, job.batch, keyOfInvocation)
      reply = { verdict: await checkBatch(ops, data.check, job.timeoutMs, undefined) }
    } catch (e) {
      reply = { error: e instanceof Error ? e.message : String(e) }
    }
    parentPort!.postMessage(reply)
  })
})
