/**
 * What a run creates carries its owner; `dstest cleanup` removes only what
 * runs whose dstest process is gone left behind, and the forced-exit hint
 * names the run. Every cleanup here is limited to this test's own runs
 * (`--name` with a name of its own, or `--run ID`): other runs on this engine
 * are never touched.
 */
import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, dstestSpawn, requireBuild, tempDir } from './helpers.js'
import { engine, leftoversOf } from './docker-helpers.js'

/** Starts `dstest run`, waits until its workload runs, and returns the child, its output so far and its run id. */
async function started(args: string[]) {
  const child = dstestSpawn(['run', '--reporter', 'line', ...args])
  const out = { stdout: '', stderr: '' }
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
  await waitFor(() => /\] running$/m.test(out.stdout), () => `the run did not start:\n${out.stdout}${out.stderr}`)
  const runId = /^dstest: \S+ run=(\S+) /m.exec(out.stdout)?.[1]
  if (!runId) throw new Error(`no run id in the banner:\n${out.stdout}`)
  return { child, out, exited, runId }
}

function waitFor(condition: () => boolean, why: () => string, ms = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      clearInterval(poll)
      reject(new Error(why()))
    }, ms)
    const poll = setInterval(() => {
      if (condition()) {
        clearInterval(poll)
        clearTimeout(deadline)
        resolve()
      }
    }, 50)
  })
}

describe.skipIf(!engine)(`dstest cleanup and run ownership on Docker${engine ? '' : ' (skipped: no Docker engine answers `docker info`)'}`, () => {
  beforeAll(() => requireBuild())

  it('a bare cleanup removes the run whose process was killed and keeps the one still running; a forced exit names its run', async () => {
    const name = `cleanup-e2e-${randomBytes(3).toString('hex')}`
    const store = tempDir()
    const args = ['--target', 'raft-kv', '--nodes', '1', '--time-limit', '300', '--name', name, '--store', store]
    const killed = await started(args)
    killed.child.kill('SIGKILL')
    await killed.exited
    expect(leftoversOf(killed.runId).length).toBeGreaterThan(0)

    const running = await started(args)
    try {
      const r = dstest(['cleanup', '--name', name])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain(`container dstest-${killed.runId}-n1`)
      expect(r.stdout).toContain(`network dstest-${killed.runId}`)
      expect(r.stdout).toContain(`kept 1 run(s):\n  ${running.runId}: its dstest (pid ${running.child.pid}) is still running`)
      expect(r.stdout).not.toContain(`container dstest-${running.runId}`)
      expect(leftoversOf(killed.runId)).toEqual([])
      expect(leftoversOf(running.runId).length).toBeGreaterThan(0)

      // Ctrl-C twice: the forced exit says how to remove what it may leave, with the real run id.
      running.child.kill('SIGINT')
      await waitFor(() => /stopping/.test(running.out.stderr), () => `no first-signal message:\n${running.out.stderr}`)
      running.child.kill('SIGINT')
      expect(await running.exited).toBe(130)
      expect(running.out.stderr).toContain(`dstest cleanup --run ${running.runId}`)
      expect(running.out.stderr).not.toMatch(/`dstest cleanup`/)
    } finally {
      running.child.kill('SIGKILL')
      const removed = dstest(['cleanup', '--run', running.runId])
      expect(removed.code).toBe(0)
    }
    expect(leftoversOf(running.runId)).toEqual([])
  }, 400_000)
})
