/**
 * The life of a bundled server process (targets/server-kit/serve.ts), on the
 * compiled raft-kv and chain-kv servers: the pid file appears once the port is
 * bound; a second copy on the same port exits 1 and leaves the pid file alone;
 * SIGTERM stops the server, removes its pid file and exits 0; a bad command
 * line exits 2 with the reason on stderr.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePorts, requireBuilt } from '../process-cluster.js'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

async function until(what: string, test: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.each(['raft-kv', 'chain-kv'])('%s server process', (name) => {
  it('claims its pid file once bound, refuses a second copy on its port, and cleans up on SIGTERM', async () => {
    const server = resolve(`dist/targets/${name}/server/main.js`)
    requireBuilt(server)
    const dir = mkdtempSync(join(tmpdir(), `dstest-serve-${name}-`))
    dirs.push(dir)
    const [port] = (await freePorts(1)) as [number]
    const pidFile = join(dir, 'run', 'server.pid')
    const log = join(dir, 'server.log')
    const args = [server, '--id', 'n1', '--peers', `n1=127.0.0.1:${port}`, '--listen', `127.0.0.1:${port}`, '--data', join(dir, 'data'), '--log', log, '--pid-file', pidFile]
    const first = spawn(process.execPath, args, { stdio: 'ignore' })
    const firstExit = new Promise<number | null>((r) => first.on('exit', (code) => r(code)))
    try {
      await until('the pid file', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() === String(first.pid))

      const second = spawn(process.execPath, args, { stdio: 'ignore' })
      expect(await new Promise((r) => second.on('exit', (code) => r(code)))).toBe(1)
      expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(first.pid))
      expect(readFileSync(log, 'utf8')).toMatch(/http server failed: .*EADDRINUSE/)

      first.kill('SIGTERM')
      expect(await firstExit).toBe(0)
      expect(existsSync(pidFile)).toBe(false)
      expect(readFileSync(log, 'utf8')).toMatch(/SIGTERM: shutting down/)
    } finally {
      first.kill('SIGKILL')
    }
  }, 30_000)

  it('refuses a bad command line with exit 2, saying why', async () => {
    const server = resolve(`dist/targets/${name}/server/main.js`)
    requireBuilt(server)
    const child = spawn(process.execPath, [server, '--id', 'n1', '--listen', '127.0.0.1:1'], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    expect(await new Promise((r) => child.on('close', (code) => r(code)))).toBe(2)
    expect(stderr).toBe(`${name}: option --peers is required\n`)
  })
})
