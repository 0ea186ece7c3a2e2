/**
 * docs/writing-a-target.md, followed by a reader who reads nothing else: the
 * project is built from the guide's own code blocks, then run against a real
 * Docker engine as section 8 says: the correct tiny-kv is valid under
 * partitions, and `--bug stale-reads` is caught (exit 1), again when the run
 * is re-checked with `dstest check store/latest`.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { guideProject } from '../unit/docs/guide-blocks.js'
import { engine, leftovers } from './docker-helpers.js'
import { dstest, requireBuild } from './helpers.js'
import { projectFrom } from './project.js'

describe.skipIf(!engine)(`the guide's project on Docker${engine ? '' : ' (skipped: no Docker engine answers `docker info`)'}`, () => {
  beforeAll(() => requireBuild())

  it('is valid under partitions, and its bug mode is caught, then caught again by dstest check', () => {
    const dir = projectFrom(guideProject())
    const run = (...flags: string[]) =>
      dstest(['run', '--target', './target.ts', '--time-limit', '10', '--seed', '2', '--reporter', 'line', ...flags], { cwd: dir, timeoutMs: 240_000 })

    const valid = run('--nemesis', 'partition', '--nemesis-interval', '3')
    expect(valid.stderr).toBe('')
    expect(valid.stdout).toMatch(/nemesis ok start-partition/)
    expect(valid.stdout).toMatch(/verdict: VALID \(exit 0\)/)
    expect(valid.code).toBe(0)

    const caught = run('--bug', 'stale-reads')
    expect(caught.stdout).toMatch(/final-reads: INVALID - a final read on n\d lacks \d+ acknowledged element\(s\)/)
    expect(caught.code).toBe(1)
    const check = dstest(['check', 'store/latest'], { cwd: dir })
    expect(check.stdout).toMatch(/final-reads: INVALID/)
    expect(check.code).toBe(1)
    expect(leftovers(`${dir}/store`)).toEqual([])
  }, 400_000)
})
