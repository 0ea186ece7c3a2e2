/**
 * The long-fork checker's report section: each fork as the two reads side by
 * side, key by key, the keys only one of them saw written highlighted.
 */
import type { LongForkResult } from '../../checkers/long-fork.js'
import { esc, facts, byKind, type SectionRenderer } from './section.js'

export const longForkSection: SectionRenderer<LongForkResult> = {
  name: 'long-fork',
  accepts: byKind<LongForkResult>('long-fork'),
  render: (r, { name }) => ({
    title: `Long forks (${name})`,
    html: r.forks === undefined
      ? `<p>${esc(r.summary ?? '')}</p>`
      : `<p>${esc(r.summary ?? '')}</p>` +
      facts([
        ['reads', `${r.reads} of ${r.groups} group(s); ${r.earlyReads} saw nothing written, ${r.lateReads} saw everything`],
        ['writes', r.writes],
        ['forks', r.forkCount],
      ]) +
      r.forks
        .map((f) => {
          const rows = f.keys
            .map((k) => {
              const a = f.a.values[String(k)] ?? null
              const b = f.b.values[String(k)] ?? null
              const only = f.onlyA.includes(k) || f.onlyB.includes(k)
              return `<tr${only ? ' style="background:#ffe3e3"' : ''}><td>${esc(JSON.stringify(k))}</td><td>${esc(a === null ? '–' : JSON.stringify(a))}</td><td>${esc(b === null ? '–' : JSON.stringify(b))}</td></tr>`
            })
            .join('')
          return `<h3>Reads at op ${f.a.index} and op ${f.b.index}</h3><table><tr><th>key</th><th>op ${f.a.index} read</th><th>op ${f.b.index} read</th></tr>${rows}</table><p>Each saw a write the other did not (highlighted; – is not written yet): no single order of the writes explains both.</p>`
        })
        .join(''),
  }),
}
