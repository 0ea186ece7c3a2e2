#!/usr/bin/env node
// Runs the vitest suite and ends with the plain summary line CI reads:
//   N passed, N failed, N skipped
// Extra arguments are passed to vitest (paths or filters).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dir = mkdtempSync(join(tmpdir(), 'dstest-vitest-'))
const out = join(dir, 'results.json')
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)]
const run = spawnSync('npx', ['--no-install', ...args], { stdio: 'inherit' })

let passed = 0
let failed = 0
let skipped = 0
let parsed = false
try {
  const report = JSON.parse(readFileSync(out, 'utf8'))
  passed = report.numPassedTests
  failed = report.numFailedTests
  skipped = report.numPendingTests + (report.numTodoTests ?? 0)
  // A file that fails to load has no tests in it but is still a failure.
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1
  }
  parsed = true
} catch {
  // vitest died before writing its report: count that as one failure.
}
rmSync(dir, { recursive: true, force: true })
if (!parsed) failed = Math.max(failed, 1)
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || run.status !== 0 ? 1 : 0)
