/** The queue checker's report section: counts of each finding with examples, and the FIFO check's explanation. */
import type { QueueResult } from '../../checkers/queue.js'
import { esc, facts, table, byKind, type SectionRenderer } from './section.js'

const MEANING: Record<string, string> = {
  lost: 'acknowledged, never dequeued, though the queue was later empty',
  unexpected: 'dequeued, but never (successfully) enqueued',
  duplicated: 'dequeued more than once',
  recovered: 'enqueue timed out, dequeued after all (legal)',
  unconfirmed: 'acknowledged, never dequeued, queue not seen empty after (not judged)',
}

export const queueSection: SectionRenderer<QueueResult> = {
  name: 'queue',
  accepts: byKind<QueueResult>('queue'),
  render: (r, { name }) => ({
    title: `Queue: every value in, once out (${name})`,
    html: !r.counts
      ? `<p>${esc(r.summary ?? '')}</p>`
      : `<p>${esc(r.summary ?? '')}</p>` +
      facts([
        ['enqueues', `${r.acknowledged} acknowledged of ${r.attempted} attempted`],
        ['dequeued', `${r.dequeued} values (${r.uncertainDequeues} dequeue(s) with unknown outcome)`],
        ['FIFO order', r.fifo ? `${r.fifo.valid === true ? 'kept' : r.fifo.valid === false ? 'broken' : 'undecided'}: ${r.fifo.summary}` : 'not checked (workload option fifo)'],
      ]) +
      table(['finding', 'meaning', 'count', 'examples (up to 10)'], Object.entries(r.counts).map(([k, n]) => [k, MEANING[k] ?? '', n, (r.examples[k as keyof typeof r.examples] ?? []).map((v) => JSON.stringify(v)).join(', ')])) +
      (r.fifo?.explanation ? `<h3>Why the order is not FIFO</h3><p>${esc(r.fifo.explanation)}</p>` : ''),
  }),
}
