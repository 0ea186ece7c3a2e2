/**
 * JUnit XML: one testsuite per run, one testcase per checker. A checker that
 * found an anomaly is a <failure>, one that could not decide is an <error>.
 * Their body is what CI shows: the explanation, where the report is, and the
 * exact command that replays the run; the seed, run id and store folder are
 * also properties.
 */
import { join } from 'node:path'
import { STORE_FILES } from '../core/store.js'
import type { RunSummary } from './reporter.js'

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** The text of a failure or error: what went wrong, why, where to look, how to replay. */
function body(run: RunSummary, summary: string, explanation: string | undefined): string {
  return [summary, ...(explanation ? ['', explanation] : []), '', `report: ${join(run.runDir, STORE_FILES.report)}`, `replay: ${run.replay}`].join('\n')
}

export function junitXml(testName: string, runs: readonly RunSummary[]): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>']
  let tests = 0
  let failures = 0
  let errors = 0
  const suites: string[] = []
  runs.forEach((run, i) => {
    const cases: string[] = []
    let sFail = 0
    let sErr = 0
    for (const [name, r] of Object.entries(run.checkers)) {
      const open = `    <testcase classname="${esc(testName)}" name="${esc(name)}" time="${run.seconds.toFixed(3)}">`
      if (r.valid === true) cases.push(`${open}</testcase>`)
      else if (r.valid === false) {
        sFail++
        const summary = r.summary ?? 'anomaly found'
        cases.push(`${open}\n      <failure message="${esc(summary)}">${esc(body(run, summary, r.explanation))}</failure>\n    </testcase>`)
      } else {
        sErr++
        const summary = r.summary ?? 'checker could not decide'
        cases.push(`${open}\n      <error message="${esc(summary)}">${esc(body(run, summary, r.explanation))}</error>\n    </testcase>`)
      }
    }
    if (cases.length === 0) {
      // The run never reached the checkers (harness error): still one failed case.
      sErr++
      cases.push(
        `    <testcase classname="${esc(testName)}" name="run" time="${run.seconds.toFixed(3)}">\n      <error message="${esc(run.summary)}">${esc(body(run, run.summary, undefined))}</error>\n    </testcase>`,
      )
    }
    tests += cases.length
    failures += sFail
    errors += sErr
    suites.push(
      [
        `  <testsuite name="${esc(testName)}${runs.length > 1 ? ` #${i + 1}` : ''}" tests="${cases.length}" failures="${sFail}" errors="${sErr}" time="${run.seconds.toFixed(3)}">`,
        '    <properties>',
        `      <property name="seed" value="${run.seed}"/>`,
        `      <property name="run-id" value="${esc(run.runId)}"/>`,
        `      <property name="store" value="${esc(run.runDir)}"/>`,
        `      <property name="exit-code" value="${run.exitCode}"/>`,
        `      <property name="replay" value="${esc(run.replay)}"/>`,
        '    </properties>',
        ...cases,
        '  </testsuite>',
      ].join('\n'),
    )
  })
  lines.push(`<testsuites name="dstest" tests="${tests}" failures="${failures}" errors="${errors}">`)
  lines.push(...suites)
  lines.push('</testsuites>')
  return lines.join('\n') + '\n'
}
