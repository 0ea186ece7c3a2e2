/**
 * The README's generated blocks: the `dstest run` and `dstest check` flag
 * tables and the config-file-only keys, from the same records as `--help`.
 * `npm run docs` writes them; test/unit/cli/readme-tables.test.ts fails while
 * the README differs.
 */
import { specFields } from '../core/spec.js'
import { checkFlags } from './commands/check.js'
import { runFlags } from './commands/run-options.js'
import { flagTables, replaceBlock } from './flag-docs.js'

function configOnlyKeys(): string {
  const rows = specFields()
    .filter((f) => f.configOnly)
    .map((f) => `| \`${f.key}\` | ${f.default === undefined ? '' : `\`${JSON.stringify(f.default)}\``} | ${f.describe} |`)
  return ['| key | default | meaning |', '|---|---|---|', ...rows].join('\n')
}

export function readmeBlocks(): Record<string, string> {
  return { 'run-flags': flagTables(runFlags), 'check-flags': flagTables(checkFlags), 'config-keys': configOnlyKeys() }
}

/** The README with every generated block rewritten. */
export function updateReadme(text: string): string {
  let out = text
  for (const [name, content] of Object.entries(readmeBlocks())) out = replaceBlock(out, name, content)
  return out
}
