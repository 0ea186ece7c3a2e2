import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { linearizable, type LinearizableResult } from '../../../checkers/linearizable.js'
import type { Op } from '../../../core/op.js'
import { linearizabilitySections } from '../../../run/report-sections.js'

const context = { concurrency: 2, nodes: ['n1'] }
const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

function op(index: number, time: number, type: Op['type'], process: number, f: string, value: unknown): Op {
  return { index, time, type, process, f, value }
}

// Key 3 is written 1, then read as 0 by a later read: no valid order.
const stale: Op[] = [
  op(0, 1, 'invoke', 0, 'write', [3, 1]),
  op(1, 2, 'ok', 0, 'write', [3, 1]),
  op(2, 3, 'invoke', 1, 'read', [3, null]),
  op(3, 4, 'ok', 1, 'read', [3, 0]),
]

describe('linearizability report sections', () => {
  it('writes the counterexample page, titled by key and model, and embeds it sized to its content', async () => {
    const result = (await linearizable({ model: 'cas-register', independent: true, initial: 0 }).check(stale, context)) as LinearizableResult
    expect(result.valid).toBe(false)
    const dir = mkdtempSync(join(tmpdir(), 'dstest-sections-'))
    dirs.push(dir)
    const sections = linearizabilitySections(dir, stale, { valid: false, checkers: { linearizable: result } })
    expect(sections).toHaveLength(1)
    expect(sections[0]!.title).toBe('Why it is not linearizable (linearizable)')
    const page = readFileSync(join(dir, 'linearizable.html'), 'utf8')
    expect(page).toMatch(/<h1>linearizable: key 3, model cas-register: <span class="verdict"[^>]*>not linearizable<\/span><\/h1>/)
    expect(sections[0]!.html).toMatch(/ onload="this\.style\.height=\(this\.contentDocument\.documentElement\.offsetHeight[^"]*"><\/iframe>$/)
  })

  it('adds nothing for a valid history', async () => {
    const ok = stale.slice(0, 2)
    const result = await linearizable({ model: 'cas-register', independent: true, initial: 0 }).check(ok, context)
    expect(result.valid).toBe(true)
    const dir = mkdtempSync(join(tmpdir(), 'dstest-sections-'))
    dirs.push(dir)
    expect(linearizabilitySections(dir, ok, { valid: true, checkers: { linearizable: result } })).toEqual([])
  })
})
