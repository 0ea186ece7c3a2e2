// The report and its counterexample view as a reader sees them, in headless
// Chromium: the operations that matter are drawn on top and named in full
// without hovering, the view zooms and steps through the longest
// linearization, and nothing is fetched from the network.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildReport } from '../../report/build.js'
import { runFolder, staleReadHistory } from '../unit/report/run-folder.js'
import { HAS_CHROMIUM, launchChromium, NEEDS_CHROMIUM, watch } from './browser.js'

let browser: Browser
let page: Page
let seen: { requests: string[]; errors: string[] }
let store = ''
let reportUrl = ''

beforeAll(async () => {
  if (!HAS_CHROMIUM) return
  const run = await runFolder(staleReadHistory().ops, { logs: { 'n1/chain-kv.log': 'hello\n' } })
  store = run.store
  reportUrl = `file://${(await buildReport(run.path)).path}`
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  seen = watch(page)
  await page.goto(reportUrl)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  if (store) rmSync(store, { recursive: true, force: true })
})

describe.skipIf(!HAS_CHROMIUM)(`report.html in a browser${NEEDS_CHROMIUM}`, () => {
  it('loads with no script error and fetches nothing but itself', () => {
    expect(seen.errors).toEqual([])
    expect(seen.requests).toEqual([reportUrl])
  })

  it('draws the marked operations on top of everything, and names them in full without hovering', async () => {
    const marked = page.locator('.cx .op.key')
    expect(await marked.count()).toBe(2)
    for (let i = 0; i < 2; i++) {
      await marked.nth(i).scrollIntoViewIfNeeded()
      const box = (await marked.nth(i).boundingBox())!
      expect(box.width).toBeGreaterThanOrEqual(20)
      // Whatever is at the bar's centre is the bar (or its number): no label covers it.
      // (An expression: the tests are compiled without the DOM's types.)
      const hit = await page.evaluate(`document.elementFromPoint(${box.x + box.width / 2}, ${box.y + box.height / 2})?.closest('.op')?.getAttribute('data-id')`)
      expect(hit).toBe(await marked.nth(i).getAttribute('data-id'))
    }
    // Their words, on their own line under their rows, not cut short.
    type Box = { textContent: string; scrollWidth: number; clientWidth: number }
    const notes = await page.locator('.cx .keynote').evaluateAll((els) => (els as unknown as Box[]).map((e) => ({ text: e.textContent, cut: e.scrollWidth > e.clientWidth + 1 })))
    expect(notes).toEqual([
      { text: '2write 1: must come before it', cut: false },
      { text: '1read → nil: could not go next', cut: false },
    ])
    await expect(page.locator('.cx .argument').textContent()).resolves.toContain('op 22 (client 1) read nil, but it began after op 20 (client 0) wrote 1 completed')
  })

  it('opens on the failure, on the time axis of the report, and zooms out and in', async () => {
    const range = page.locator('.cx .range')
    const focus = await range.textContent()
    expect(focus).toMatch(/^(1\.99|2\.0)\d* s to 2\.0\d* s$/)
    const ticks = await page.locator('.cx .tick').allTextContents()
    expect(ticks.length).toBeGreaterThan(2)
    expect(ticks.every((t) => / s$/.test(t))).toBe(true)
    const width = async (): Promise<number> => {
      const [a, , , b] = (await range.textContent())!.split(' ')
      return Number(b) - Number(a)
    }
    const w0 = await width()
    await page.click('.cx button[data-act="in"]')
    expect(await width()).toBeCloseTo(w0 / 2, 3)
    await page.click('.cx button[data-act="out"]')
    await page.click('.cx button[data-act="out"]')
    expect(await width()).toBeGreaterThan(w0 * 1.2)
    await page.click('.cx button[data-act="focus"]')
    expect(await range.textContent()).toBe(focus)
  })

  it('steps back and forth through the longest linearization, showing the state after each step', async () => {
    const step = page.locator('.cx .step')
    expect(await step.textContent()).toMatch(/^Step 1 of 1: op 20 \(client 0\) \[5\] write 1, state after: 1\. Next: op 22 \(client 1\) \[5\] read → nil cannot follow it\.$/)
    await page.click('.cx button[data-act="prev"]')
    expect(await step.textContent()).toBe('Before the first step: the state is nil.')
    expect(await page.locator('.cx .op.later').count()).toBe(1)
    await page.keyboard.press('ArrowRight')
    await page.focus('.cx')
    await page.keyboard.press('ArrowRight')
    expect(await step.textContent()).toMatch(/^Step 1 of 1/)
    expect(await page.locator('.cx .op.cur').getAttribute('data-id')).toBe('20')
  })

  it('draws one lane per fault kind on the timeline, and marks the anomaly there', async () => {
    const lanes = await page.locator('svg.timeline text').allTextContents()
    expect(lanes).toContain('partition')
    expect(lanes).toContain('kill')
    expect(lanes).toContain('halves: n1 n2 | n3')
    expect(await page.locator('svg.timeline title', { hasText: 'anomaly: linearizable key 5' }).count()).toBe(1)
    await page.screenshot({ path: join(store, 'report.png'), fullPage: true })
  })
})
