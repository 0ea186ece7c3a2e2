import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { SshConnection } from '../../../../control/ssh/connection.js'
import { SshRemote } from '../../../../control/ssh/remote.js'
import { marks } from '../../../../control/ssh/run-marks.js'

const runId = `unit-remote-${process.pid}`
const root = `/tmp/dstest-unit-remote-${process.pid}`
// Only the command line is under test here: it is run by this machine's sh, not sent anywhere.
const remote = new SshRemote('n1', undefined as unknown as SshConnection, { runId, root })

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('SSH remote command lines (run by this machine\'s sh)', () => {
  it('runs argv with env and cwd, every word quoted', () => {
    const line = remote.commandLine(['sh', '-c', 'printf "%s|%s|%s" "$A" "$(pwd)" "$1"', 'x', "it's $(id)"], { env: { A: 'a b' }, cwd: '/tmp' })
    const r = spawnSync('sh', ['-c', line], { encoding: 'utf8' })
    expect(r.stdout).toBe("a b|/tmp|it's $(id)")
  })

  it('detaches: returns at once, the process outlives the shell with the run mark, its pid recorded and output in the log', async () => {
    const m = marks(root)
    mkdirSync(m.pids, { recursive: true })
    const line = remote.commandLine(['sh', '-c', 'echo started; echo "$DSTEST_RUN $X"; sleep 30'], { detach: true, env: { X: 'y' } })
    const t0 = Date.now()
    const r = spawnSync('sh', ['-c', line], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(Date.now() - t0).toBeLessThan(5000)
    const pids = readdirSync(m.pids)
    expect(pids).toHaveLength(1)
    const pid = Number(pids[0])
    try {
      expect(readFileSync(`${m.pids}/${pid}`, 'utf8').trim()).toBe(String(pid))
      // The pid is setsid's, which becomes env, then the command: the mark is there once env has run.
      const marked = (): boolean => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`DSTEST_RUN=${runId}`)
      for (const deadline = Date.now() + 5000; !marked() && Date.now() < deadline; ) await new Promise((res) => setTimeout(res, 20))
      expect(marked()).toBe(true)
      // Its own session: a hang-up of the channel's session does not reach it.
      const sid = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[3]
      expect(Number(sid)).toBe(pid)
      const deadline = Date.now() + 5000
      while (!readFileSync(m.detachedLog, 'utf8').includes(`${runId} y`) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20))
      expect(readFileSync(m.detachedLog, 'utf8')).toBe(`started\n${runId} y\n`)
    } finally {
      process.kill(pid, 'SIGKILL')
    }
  })
})
