/**
 * Confined commands, run for real: what they leave behind (processes, mounts)
 * goes with them, and a deadline or an abort stops them and their children.
 * Needs root and util-linux's unshare and setpriv (skipped, saying so, without).
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { confinedArgv, runConfined } from '../../../../control/image/confined.js'

const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }
const usable =
  process.getuid?.() === 0 && spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', '--mount', '--pid', '--fork', '--', 'true']).status === 0
const describeConfined = usable ? describe : describe.skip

/** Processes on this machine whose command line is exactly `argv`. */
async function processes(argv: readonly string[]): Promise<number[]> {
  const want = argv.join('\0') + '\0'
  const found: number[] = []
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (cmdline === want) found.push(Number(pid))
  }
  return found
}

async function gone(argv: readonly string[], withinMs = 3000): Promise<boolean> {
  const deadline = Date.now() + withinMs
  while (Date.now() < deadline) {
    if ((await processes(argv)).length === 0) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

describe('confinedArgv', () => {
  it('wraps argv (never a shell string) in a parent-death signal and private mount and PID namespaces', () => {
    expect(confinedArgv(['chroot', '/r', 'apt-get', 'update'], '/r/proc')).toEqual([
      'setpriv', '--pdeathsig', 'KILL', '--',
      'unshare', '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--mount-proc=/r/proc',
      '--', 'chroot', '/r', 'apt-get', 'update',
    ])
  })
})

describeConfined(`runConfined${usable ? '' : ' (skipped: needs root, unshare and setpriv)'}`, () => {
  // A sleep whose length no other process on the machine uses, to find it again.
  const marker = String(900 + (process.pid % 97))

  it('gives the exit code and output lines, and a daemon the command left is killed with it', async () => {
    const lines: string[] = []
    const r = await runConfined(['sh', '-c', `sleep ${marker} & echo started; echo oops >&2; exit 3`], { env, deadline: Date.now() + 10_000, onLine: (l) => lines.push(l) })
    expect(r).toMatchObject({ exitCode: 3, timedOut: false, aborted: false })
    expect(lines.sort()).toEqual(['oops', 'started'])
    expect(await gone(['sleep', marker])).toBe(true)
  })

  it('a deadline kills the command and its children', async () => {
    const started = Date.now()
    const r = await runConfined(['sh', '-c', `sleep ${marker} & sleep ${marker}`], { env, deadline: Date.now() + 300 })
    expect(r.timedOut).toBe(true)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(await gone(['sleep', marker])).toBe(true)
  })

  it('an abort kills it too', async () => {
    const stop = new AbortController()
    setTimeout(() => stop.abort(), 200)
    const r = await runConfined(['sleep', marker], { env, deadline: Date.now() + 10_000, signal: stop.signal })
    expect([r.aborted, r.timedOut]).toEqual([true, false])
    expect(await gone(['sleep', marker])).toBe(true)
  })

  it('a mount made inside is never seen outside', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dstest-confined-'))
    try {
      const r = await runConfined(['sh', '-c', `mount -t tmpfs none "$1" && touch "$1/inside" && ls "$1"`, 'sh', dir], { env, deadline: Date.now() + 10_000 })
      expect([r.exitCode, r.tail]).toEqual([0, ['inside']])
      expect(await readdir(dir)).toEqual([])
      expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(` ${dir} `)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
