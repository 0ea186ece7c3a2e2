/** The pages `dstest serve` makes itself: the index of runs and folder listings. */
import { esc } from '../html-text.js'
import { bytesText, href } from '../run-files.js'
import type { RunVerdict, StoredRun } from './store-runs.js'

export const VERDICTS: readonly RunVerdict[] = ['valid', 'invalid', 'unknown', 'none']
const WORDS: Record<RunVerdict, string> = { valid: 'VALID', invalid: 'INVALID', unknown: 'UNKNOWN', none: 'no verdict' }
const COLORS: Record<RunVerdict, string> = { valid: '#2b8a3e', invalid: '#c92a2a', unknown: '#e67700', none: '#868e96' }

const STYLE = `body{font-family:system-ui,sans-serif;margin:24px;color:#212529}
h1{font-size:20px;margin:0 0 10px} table{border-collapse:collapse;width:100%;font-size:13px}
td,th{padding:4px 8px;border-bottom:1px solid #f1f3f5;text-align:left;white-space:nowrap} th{background:#f8f9fa}
td.summary{white-space:normal;color:#495057;max-width:420px}
nav a{margin-right:14px} nav a.on{font-weight:700;text-decoration:none;color:#212529}
.v{font-weight:700} .muted{color:#868e96}`

/** `/` and `/?verdict=invalid`: every run (or those with that verdict), newest first. */
export function indexPage(root: string, runs: readonly StoredRun[], verdict: RunVerdict | undefined): string {
  const count = (v: RunVerdict): number => runs.filter((r) => r.verdict === v).length
  const shown = verdict ? runs.filter((r) => r.verdict === verdict) : runs
  const nav = [
    `<a href="/"${verdict ? '' : ' class="on"'}>all (${runs.length})</a>`,
    ...VERDICTS.map((v) => `<a href="/?verdict=${v}"${verdict === v ? ' class="on"' : ''} data-verdict="${v}">${WORDS[v]} (${count(v)})</a>`),
  ].join('')
  const rows = shown
    .map((r) => {
      const folder = `/${href(r.path)}/`
      return (
        `<tr data-verdict="${r.verdict}"><td>${esc(r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</td><td>${esc(r.test)}</td><td>${esc(r.target)}</td><td>${esc(r.workload)}</td>` +
        `<td>${esc(r.nemesis)}</td><td>${esc(r.bug)}</td><td>${esc(r.seed)}</td><td>${r.seconds === undefined ? '' : `${r.seconds.toFixed(0)} s`}</td>` +
        `<td class="v" style="color:${COLORS[r.verdict]}">${WORDS[r.verdict]}</td>` +
        `<td>${r.hasReport ? `<a href="${folder}report.html">report</a>` : '<span class="muted">no report</span>'} <a href="${folder}">files</a></td>` +
        `<td class="summary">${esc(r.summary)}</td></tr>`
      )
    })
    .join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dstest runs</title><style>${STYLE}</style></head><body>
<h1>dstest runs in ${esc(root)}</h1><nav>${nav}</nav>
<table><tr><th>started</th><th>test</th><th>target</th><th>workload</th><th>nemesis</th><th>bug</th><th>seed</th><th>took</th><th>verdict</th><th></th><th>summary</th></tr>${rows || '<tr><td colspan="11" class="muted">no runs</td></tr>'}</table>
</body></html>`
}

/** A folder of the store: its entries, folders first. `urlPath` ends with '/'. */
export function folderPage(urlPath: string, entries: readonly { name: string; dir: boolean; bytes: number }[]): string {
  const sorted = [...entries].sort((a, b) => (a.dir === b.dir ? (a.name < b.name ? -1 : 1) : a.dir ? -1 : 1))
  const rows = sorted
    .map((e) => `<tr><td><a href="${encodeURIComponent(e.name)}${e.dir ? '/' : ''}">${esc(e.name)}${e.dir ? '/' : ''}</a></td><td>${e.dir ? '' : bytesText(e.bytes)}</td></tr>`)
    .join('')
  const title = decodeURIComponent(urlPath)
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>
<h1>${esc(title)}</h1><nav><a href="/">all runs</a>${urlPath !== '/' ? '<a href="../">up</a>' : ''}</nav>
<table><tr><th>name</th><th>size</th></tr>${rows || '<tr><td colspan="2" class="muted">empty</td></tr>'}</table></body></html>`
}
