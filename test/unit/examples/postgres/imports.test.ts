/** The PostgreSQL example is written as a user would write it: against dstest's public API only. */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

describe('examples/postgres', () => {
  it("imports only 'dstest', node's built-ins, its client library pg and its own files", () => {
    const dir = new URL('../../../../examples/postgres/', import.meta.url)
    const sources = readdirSync(dir).filter((f) => /\.(ts|mjs)$/.test(f))
    expect(sources).toEqual(expect.arrayContaining(['client.ts', 'relay.mjs', 'target.ts']))
    for (const file of sources) {
      const specifiers = [...readFileSync(new URL(file, dir), 'utf8').matchAll(/^import .* from '([^']+)'/gm)].map((m) => m[1]!)
      expect(specifiers.length, file).toBeGreaterThan(0)
      for (const s of specifiers) expect(s === 'dstest' || s === 'pg' || s.startsWith('node:') || s.startsWith('./'), `${file} imports ${s}`).toBe(true)
    }
  })
})
