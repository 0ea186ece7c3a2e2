/**
 * The fallback section: any checker that did not find the history valid and
 * explains itself in words (an `explanation` string in its result) gets that
 * text, so a new checker shows its reasoning before it has a view of its own.
 */
import type { CheckResult } from '../../checkers/checker.js'
import { esc } from '../html-text.js'
import type { SectionRenderer } from './section.js'

type Explained = CheckResult & { explanation: string }

export const explanationSection: SectionRenderer<Explained> = {
  name: 'explanation',
  accepts(r: CheckResult): r is Explained {
    return r.valid !== true && typeof r.explanation === 'string' && r.explanation.length > 0
  },
  render(r, context) {
    const verdict = r.valid === false ? 'found an anomaly' : 'could not decide'
    return { title: `What ${context.name} ${verdict}`, html: `<pre class="explanation">${esc(r.explanation)}</pre>` }
  },
}
