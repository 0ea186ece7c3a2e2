// `dstest serve` as a user runs it: the built CLI on a store of real runs,
// looked at in headless Chromium, then stopped with Ctrl-C.
import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HAS_CHROMIUM, launchChromium, NEEDS_CHROMIUM, watch } from './browser.js'
import { dstest, dstestSpawn, requireBuild, tempDir } from './helpers.js'

let store = ''
let child: ChildProcess | undefined
let url = ''
let stderr = ''
let browser: Browser | undefined

/** Resolves with the first stdout line matching `re` (the server prints its address once it listens). */
function waitForLine(c: ChildProcess, re: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; stdout: ${out}`)), timeoutMs)
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = re.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[0])
      }
    })
  })
}

function status(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  requireBuild()
  store = tempDir('dstest-serve-e2e-')
  const valid = dstest(['run', '--target', 'memory', '--time-limit', '2', '--rate', '1000', '--seed', '7', '--store', store, '--reporter', 'quiet'])
  expect(valid.code).toBe(0)
  const invalid = dstest(['run', '--target', 'memory', '--bug', 'stale-read', '--time-limit', '3', '--seed', '3', '--store', store, '--reporter', 'quiet'])
  expect(invalid.code).toBe(1)
  child = dstestSpawn(['serve', store, '--port', '0'])
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  url = (await waitForLine(child, /http:\/\/127\.0\.0\.1:\d+\//)).trim()
  if (HAS_CHROMIUM) browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (child && child.exitCode === null) child.kill('SIGKILL')
  if (store) rmSync(store, { recursive: true, force: true })
})

describe('dstest serve', () => {
  it('refuses a store that does not exist, a port that is not one, and a port in use (exit 3)', async () => {
    const missing = dstest(['serve', join(store, 'nope')])
    expect([missing.code, missing.stderr.trim()]).toEqual([3, `dstest: no store folder at ${join(store, 'nope')}: pass the folder \`dstest run --store\` wrote to (default: store)`])
    expect(dstest(['serve', store, '--port', '70000']).code).toBe(3)
    const busy: Server = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const port = (busy.address() as AddressInfo).port
    const r = dstest(['serve', store, '--port', String(port)])
    busy.close()
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`127.0.0.1:${port} is in use: pass another --port (0 picks a free one)`)
  })

  it(`lists the runs, filters them by verdict and opens a report, fetching nothing from elsewhere${NEEDS_CHROMIUM}`, async (ctx) => {
    if (!browser) return ctx.skip()
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const seen = watch(page)
    await page.goto(url)
    expect(await page.locator('tr[data-verdict]').count()).toBe(2)
    expect(await page.locator('td.v').allTextContents()).toEqual(['INVALID', 'VALID'])
    const first = await page.locator('tr[data-verdict] td').allTextContents()
    expect(first.slice(1, 7)).toEqual(['memory-register', 'memory', 'register', 'none', 'stale-read', '3'])
    await page.screenshot({ path: join(store, 'serve-index.png'), fullPage: true })
    await page.click('nav a[data-verdict="valid"]')
    expect(new URL(page.url()).search).toBe('?verdict=valid')
    expect(await page.locator('tr[data-verdict]').count()).toBe(1)
    await page.click('nav a[data-verdict="invalid"]')
    expect(await page.locator('td.v').allTextContents()).toEqual(['INVALID'])
    await page.click('tr[data-verdict="invalid"] a:text("report")')
    await page.waitForSelector('.cx')
    expect(await page.title()).toMatch(/^dstest memory-register: INVALID$/)
    expect(await page.locator('.cx .argument').textContent()).toMatch(/, but it began after op \d+ \(client \d+\) .+ completed, and nothing in between/)
    await page.screenshot({ path: join(store, 'serve-report.png'), fullPage: true })
    await page.click('a:text("this view on its own page")')
    await page.waitForSelector('.cx .op.key.stuck')
    expect(seen.errors, seen.errors.join("\n")).toEqual([])
    expect(seen.requests.every((r) => r.startsWith(url))).toBe(true)
    await page.close()
  })

  it('stops on Ctrl-C: exit 130, connections closed, the port free', async () => {
    expect(await status('/')).toBe(200)
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)))
    child!.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(stderr).toContain('dstest serve: SIGINT: stopped')
    await expect(status('/')).rejects.toThrow(/ECONNREFUSED/)
  })
})
