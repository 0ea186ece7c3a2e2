/**
 * Headless Chromium for the tests that look at pages as a user does: Debian's
 * chromium (`apt-get install -y chromium`; .ci/run installs it), driven by
 * playwright-core. A test that needs it is skipped, saying why, when it is
 * missing. The flags keep the browser from reaching the network on its own.
 */
import { existsSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const HAS_CHROMIUM = existsSync(CHROMIUM)
/** Appended to the name of a test that needs the browser, so a skip says why. */
export const NEEDS_CHROMIUM = HAS_CHROMIUM ? '' : ' [skipped: no /usr/bin/chromium; apt-get install -y chromium]'

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** Records what a page asked the network for and what it complained about. */
export function watch(page: Page): { requests: string[]; errors: string[] } {
  const seen = { requests: [] as string[], errors: [] as string[] }
  page.on('request', (r) => seen.requests.push(r.url()))
  page.on('pageerror', (e) => seen.errors.push(String(e)))
  page.on('console', (m) => {
    if (m.type() === 'error') seen.errors.push(m.text())
  })
  return seen
}
