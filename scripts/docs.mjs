#!/usr/bin/env node
// Rewrites the README's generated blocks (the flag tables and config keys)
// from the built CLI's flag records. `npm run docs` builds first.
import { readFileSync, writeFileSync } from 'node:fs'

const { updateReadme } = await import('../dist/cli/readme-tables.js')
const path = new URL('../README.md', import.meta.url)
const before = readFileSync(path, 'utf8')
const after = updateReadme(before)
if (after === before) console.log('README.md: generated blocks are up to date')
else {
  writeFileSync(path, after)
  console.log('README.md: generated blocks rewritten')
}
