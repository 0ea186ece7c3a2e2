import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkFlags } from '../../../cli/commands/check.js'
import { runFlags, runOptions, specKeys } from '../../../cli/commands/run-options.js'
import { readmeBlocks, updateReadme } from '../../../cli/readme-tables.js'
import { parseSpec, readConfigFile, specFields } from '../../../core/spec.js'

const README = new URL('../../../README.md', import.meta.url)
const readme = readFileSync(README, 'utf8')

/** The text between a generated block's markers. */
function block(name: string): string {
  const start = readme.indexOf(`<!-- generated:${name} `)
  const end = readme.indexOf(`<!-- /generated:${name} -->`)
  expect(start, name).toBeGreaterThanOrEqual(0)
  return readme.slice(start, end)
}

describe('README flag tables', () => {
  it('are what the flag records generate (run `npm run docs` after changing an option)', () => {
    expect(updateReadme(readme)).toBe(readme)
  })

  it('a table that drifts from the records is caught', () => {
    const drifted = readme.replace('| `--nodes` | `5` |', '| `--nodes` | `3` |')
    expect(drifted).not.toBe(readme)
    expect(updateReadme(drifted)).toBe(readme)
  })

  it('list every flag of `dstest run` and `dstest check`, and every config-only key', () => {
    const run = block('run-flags')
    for (const name of Object.keys(runOptions)) expect(run).toContain(`| \`--${name}`)
    for (const name of ['partition', 'recovery-time', 'name', 'config', 'dry-run']) expect(run).toContain(`| \`--${name}`)
    const check = block('check-flags')
    for (const f of checkFlags) expect(check).toContain(`| \`--${f.name}`)
    const config = block('config-keys')
    for (const f of specFields().filter((x) => x.configOnly)) expect(config).toContain(`| \`${f.key}\``)
    expect(Object.keys(readmeBlocks())).toEqual(['run-flags', 'check-flags', 'config-keys'])
  })
})

describe('options declared once', () => {
  it('every spec field is either a flag or a config-only key, named after its key', () => {
    for (const f of specFields()) {
      if (f.configOnly) expect(specKeys).not.toContain(f.key)
      else {
        expect(specKeys).toContain(f.key)
        expect(runOptions).toHaveProperty(f.flag)
      }
    }
    expect(runFlags.map((f) => f.name)).toEqual([...Object.keys(runOptions)])
  })

  it('--help shows the schema defaults and the registries\' names', () => {
    expect(runOptions['time-limit']).toMatchObject({ type: 'number', defaultDescription: '60', group: 'Test:' })
    expect(runOptions.nemesis?.describe).toContain('partition, packet, clock, kill, pause, skewed-leader')
    expect(runOptions.reporter?.choices).toEqual(['live', 'line', 'json', 'quiet'])
    expect(runOptions['nemesis-targets']?.choices).toEqual(['one', 'minority', 'majority', 'all', 'primaries'])
  })

  it('the README\'s config file example is a valid config file', () => {
    const section = readme.slice(readme.indexOf('### Config file'))
    const json = /```json\n([\s\S]*?)```/.exec(section)?.[1]
    expect(json).toBeDefined()
    const file = join(mkdtempSync(join(tmpdir(), 'dstest-readme-')), 'dstest.json')
    writeFileSync(file, json!)
    const spec = parseSpec(readConfigFile(file))
    expect(spec).toMatchObject({ target: 'raft-kv', nemesis: ['partition', 'kill'], timeLimit: 120 })
  })
})
