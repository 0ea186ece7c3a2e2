/** The unique-ids checker's report section: counts, range, and the duplicates with the ops that returned them. */
import type { UniqueIdsResult } from '../../checkers/unique-ids.js'
import { esc, facts, table, byKind, type SectionRenderer } from './section.js'

export const uniqueIdsSection: SectionRenderer<UniqueIdsResult> = {
  name: 'unique-ids',
  accepts: byKind<UniqueIdsResult>('unique-ids'),
  render: (r, { name }) => ({
    title: `Unique ids (${name})`,
    html:
      `<p>${esc(r.summary ?? '')}</p>` +
      facts([
        ['generates', `${r.acknowledged} acknowledged of ${r.attempted} attempted`],
        ['range', r.range ? `${JSON.stringify(r.range[0])} .. ${JSON.stringify(r.range[1])}` : 'none'],
        ['duplicated ids', r.duplicatedCount],
      ]) +
      ((r.duplicates ?? []).length ? `<h3>Duplicates (most repeated first)</h3>${table(['id', 'times', 'ops'], r.duplicates.map((d) => [d.id, d.count, d.ops.join(', ')]))}` : ''),
  }),
}
