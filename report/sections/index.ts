/**
 * The section renderers, in the order they are offered each checker result
 * (the first that accepts it draws it; see section.ts for the contract). A new
 * checker with a view of its own adds a file here and a line below, before
 * the fallback.
 */
import { bankSection } from './bank.js'
import { counterSection } from './counter.js'
import { elleSection } from './elle.js'
import { explanationSection } from './explanation.js'
import { linearizabilitySection } from './linearizability.js'
import { longForkSection } from './long-fork.js'
import { queueSection } from './queue.js'
import type { SectionRenderer } from './section.js'
import { setSection } from './set.js'
import { uniqueIdsSection } from './unique-ids.js'

export type { ReportSection, SectionContext, SectionFold, SectionRenderer } from './section.js'

export const SECTION_RENDERERS: readonly SectionRenderer[] = [
  linearizabilitySection,
  setSection,
  bankSection,
  counterSection,
  uniqueIdsSection,
  queueSection,
  longForkSection,
  elleSection,
  // Last: any other checker that explains itself in words.
  explanationSection,
] as SectionRenderer[]
