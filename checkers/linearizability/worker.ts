/**
 * Worker thread entry: checks a group of partitions per message, round-robin. Models arrive by name
 * (`ModelSpec`) and are rebuilt from the registry, since functions cannot be
 * posted between threads.
 */
import { parentPort } from 'node:worker_threads'
import { createModel } from './models/index.js'
import { PartitionCheck, roundRobin } from './partition.js'
import type { PartitionJob, PartitionReply } from './pool.js'

parentPort?.on('message', (job: PartitionJob) => {
  let reply: PartitionReply
  try {
    const model = createModel(job.spec)
    const deadline = job.timeoutMs === undefined ? Infinity : performance.now() + job.timeoutMs
    const limits = { deadline, maxCacheEntries: job.maxCacheEntries, verbose: job.verbose, maxLongest: job.maxLongest }
    const checks = job.parts.map((p) => new PartitionCheck(model, p.ops, p.index, job.consistency, limits))
    roundRobin(checks, job.threshold)
    reply = { id: job.id, results: checks.map((c) => c.result()) }
  } catch (e) {
    reply = { id: job.id, error: e instanceof Error ? e.message : String(e) }
  }
  parentPort!.postMessage(reply)
})
