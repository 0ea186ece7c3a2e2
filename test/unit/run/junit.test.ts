import { describe, expect, it } from 'vitest'
import { junitXml } from '../../../run/junit.js'
import type { RunSummary } from '../../../run/reporter.js'

const run = (checkers: RunSummary['checkers'], summary = ''): RunSummary => ({
  valid: 'unknown',
  exitCode: 0,
  summary,
  runDir: 'store/t/1',
  seed: 9,
  ops: 10,
  seconds: 2,
  checkers,
})

describe('junitXml', () => {
  it('one testcase per checker: an anomaly is a failure, undecided is an error; seed and store are properties', () => {
    const xml = junitXml('t', [run({ linearizable: { valid: false, summary: 'key 3 <stale>' }, stats: { valid: 'unknown' }, perf: { valid: true } })])
    expect(xml).toContain('<testsuites name="dstest" tests="3" failures="1" errors="1">')
    expect(xml).toContain('<failure message="key 3 &lt;stale&gt;">')
    expect(xml).toContain('<error message="checker could not decide">')
    expect(xml).toContain('<property name="seed" value="9"/>')
    expect(xml).toContain('<property name="store" value="store/t/1"/>')
  })

  it('a run that never reached its checkers is still one failed case', () => {
    const xml = junitXml('t', [run({}, 'no Docker engine')])
    expect(xml).toContain('tests="1" failures="0" errors="1"')
    expect(xml).toContain('name="run"')
    expect(xml).toContain('<error message="no Docker engine">')
  })
})
