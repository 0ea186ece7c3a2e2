import { describe, expect, it } from 'vitest'
import { junitXml } from '../../../run/junit.js'
import type { RunSummary } from '../../../run/reporter.js'

const run = (checkers: RunSummary['checkers'], summary = ''): RunSummary => ({
  valid: 'unknown',
  exitCode: 0,
  summary,
  runId: 't-0a1b2c',
  runDir: 'store/t/1',
  seed: 9,
  clientOperations: 10,
  seconds: 2,
  replay: 'dstest run --target raft-kv --workload register --nemesis partition --time-limit 60 --bug stale-read --seed 9',
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

  it("a failure's body carries the explanation, the report's path and the command that replays the run", () => {
    const xml = junitXml('t', [run({ linearizable: { valid: false, summary: 'not linearizable', explanation: 'op 12 read 3, but op 9 wrote 4 & completed first' } })])
    expect(xml).toContain(
      [
        '<failure message="not linearizable">not linearizable',
        '',
        'op 12 read 3, but op 9 wrote 4 &amp; completed first',
        '',
        'report: store/t/1/report.html',
        'replay: dstest run --target raft-kv --workload register --nemesis partition --time-limit 60 --bug stale-read --seed 9</failure>',
      ].join('\n'),
    )
    expect(xml).toContain('<property name="replay" value="dstest run --target raft-kv --workload register --nemesis partition --time-limit 60 --bug stale-read --seed 9"/>')
    expect(xml).toContain('<property name="run-id" value="t-0a1b2c"/>')
    // An undecided checker and a run that never reached its checkers say how to replay too.
    expect(junitXml('t', [run({ stats: { valid: 'unknown', summary: 'no read ever succeeded' } })])).toMatch(/<error message="no read ever succeeded">no read ever succeeded\n\nreport: store\/t\/1\/report.html\nreplay: dstest run /)
    expect(junitXml('t', [run({}, 'no Docker engine')])).toMatch(/<error message="no Docker engine">no Docker engine\n\nreport: .*\nreplay: dstest run .* --seed 9<\/error>/)
  })
})
