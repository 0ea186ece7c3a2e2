import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanupArgv, parseCleanup, stepClockArgv } from '../../../../control/ssh/host-cleanup.js'
import { chainName, marks, runRoot } from '../../../../control/ssh/run-marks.js'

const started: ChildProcess[] = []
afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL')
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return spawnSync('sh', ['-c', `grep -q '^State:.*Z' /proc/${pid}/status`]).status !== 0
  } catch {
    return false
  }
}

async function until(what: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!what()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('host cleanup script (run by this machine\'s sh, on a run folder made here)', () => {
  it("kills only processes that still carry the run's mark, removes the folder, and says what it removed", async () => {
    const runId = `unit-cleanup-${process.pid}-${Date.now().toString(36)}`
    const root = runRoot(runId)
    const m = marks(root)
    mkdirSync(m.pids, { recursive: true })
    mkdirSync(`${root}/var/run`, { recursive: true })
    const ours = spawn('sleep', ['60'], { env: { ...process.env, DSTEST_RUN: runId }, stdio: 'ignore' })
    const paused = spawn('sleep', ['60'], { env: { ...process.env, DSTEST_RUN: runId }, stdio: 'ignore' })
    // A process whose pid a stale pid file names, but which is not the run's (pid reuse): left alone.
    const stranger = spawn('sleep', ['60'], { env: { ...process.env, DSTEST_RUN: `${runId}-other` }, stdio: 'ignore' })
    started.push(ours, paused, stranger)
    process.kill(paused.pid!, 'SIGSTOP')
    writeFileSync(`${m.pids}/${ours.pid}`, `${ours.pid}\n`)
    writeFileSync(`${root}/var/run/target.pid`, `${paused.pid}\n`)
    writeFileSync(`${m.pids}/${stranger.pid}`, `${stranger.pid}\n`)
    writeFileSync(`${m.pids}/junk`, '$(reboot)\n')

    const [cmd, ...args] = cleanupArgv(runId)
    const r = spawnSync(cmd!, args, { encoding: 'utf8' })
    expect(r.status).toBe(0)
    const report = parseCleanup(r.stdout)
    expect(report.warnings).toEqual([])
    expect(report.removed.sort()).toEqual([`folder ${root}`, `process ${ours.pid}`, `process ${paused.pid}`].sort())
    await until(() => !alive(ours.pid!) && !alive(paused.pid!))
    expect(alive(stranger.pid!)).toBe(true)
    expect(existsSync(root)).toBe(false)

    // Idempotent: a second cleanup finds nothing.
    const again = spawnSync(cmd!, args, { encoding: 'utf8' })
    expect(parseCleanup(again.stdout)).toEqual({ removed: [], warnings: [] })
  })

  it('names one run by its id: its folder and its chain', () => {
    const argv = cleanupArgv('raft-kv-register-a1b2c3')
    expect(argv.slice(-3)).toEqual(['raft-kv-register-a1b2c3', '/tmp/dstest-run-raft-kv-register-a1b2c3', chainName('raft-kv-register-a1b2c3')])
    expect(cleanupArgv(undefined).slice(-1)).toEqual(['--all'])
    expect(() => cleanupArgv('../../etc')).toThrow(/bad run id/)
  })

  it('steps the real clock only by whole milliseconds, and records the total', () => {
    expect(stepClockArgv(-1500, 2000, '/tmp/r/dstest/clock-offset-ms').slice(3)).toEqual(['dstest-clock', '-1500', '2000', '/tmp/r/dstest/clock-offset-ms'])
    expect(() => stepClockArgv(1.5, 0, '/f')).toThrow(/whole milliseconds/)
  })
})
