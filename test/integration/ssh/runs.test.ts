/**
 * raft-kv over the SSH runtime on a bed of five sshd hosts, with the built
 * CLI: the correct system is valid under partitions and kills, the
 * stale-read bug is caught, a host that refuses the key or lacks a tool is
 * named before the test, and nothing is left on the hosts after a run ends,
 * is interrupted, or is killed and cleaned up.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { dstest, dstestSpawn, requireBuild, tempDir } from '../../e2e/helpers.js'
import { latestRun, results } from '../../e2e/docker-helpers.js'
import { bedDown, bedUp, describeBed, leftoversOnBed, loginFlags, onHost, userOf, type Bed } from './helpers.js'

let bed: Bed | undefined
const need = (): Bed => {
  if (!bed) throw new Error('the bed is not up')
  return bed
}

async function waitFor(child: ReturnType<typeof dstestSpawn>, text: RegExp, ms: number): Promise<string> {
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${text} within ${ms} ms; output:\n${out}`)), ms)
    const on = (c: Buffer): void => {
      out += c.toString('utf8')
      if (text.test(out)) {
        clearTimeout(timer)
        resolve(out)
      }
    }
    child.stdout?.on('data', on)
    child.stderr?.on('data', on)
  })
}

function exited(child: ReturnType<typeof dstestSpawn>): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)))
}

describeBed('SSH runtime: raft-kv on five sshd hosts, driven by the built CLI', () => {
  beforeAll(() => {
    requireBuild()
    bed = bedUp('runs', 5)
  })
  afterAll(() => bedDown(bed))

  it('the correct raft-kv is linearizable under partition,kill (exit 0), and nothing is left on the hosts', () => {
    const store = tempDir()
    // As a user runs it: the key and known_hosts from ~/.ssh, no SSH flags but the nodes file.
    const r = dstest(['run', '--runtime', 'ssh', '--nodes-file', need().nodesFile, '--target', 'raft-kv', '--nemesis', 'partition,kill', '--nemesis-interval', '4', '--time-limit', '20', '--seed', '1', '--store', store, '--reporter', 'line'], {
      timeoutMs: 180_000,
      env: userOf(need()),
    })
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/nemesis ok start-partition/)
    expect(r.stdout).toMatch(/nemesis ok kill/)
    expect(r.stdout).toMatch(/verdict: VALID \(exit 0\)/)
    expect(r.code).toBe(0)
    expect(results(store).checkers['linearizable']?.valid).toBe(true)
    const test = JSON.parse(readFileSync(join(latestRun(store), 'test.json'), 'utf8')) as { runtime: string; nodes: { address: string }[] }
    expect(test.runtime).toBe('ssh')
    expect(test.nodes.map((n) => n.address)).toEqual(need().hosts.map((h) => h.address))
    // The servers' logs came back over SSH.
    expect(readFileSync(join(latestRun(store), 'nodes/n1/raft-kv.log'), 'utf8').length).toBeGreaterThan(0)
    expect(leftoversOnBed(need())).toEqual([])
  }, 200_000)

  it('the stale-read bug is caught under partitions (exit 1), and nothing is left on the hosts', () => {
    const store = tempDir()
    const r = dstest(['run', ...loginFlags(need()), '--target', 'raft-kv', '--bug', 'stale-read', '--nemesis', 'partition', '--nemesis-interval', '4', '--time-limit', '20', '--seed', '3', '--store', store, '--reporter', 'line'], { timeoutMs: 180_000 })
    expect(r.stdout).toMatch(/linearizable: INVALID/)
    expect(r.code).toBe(1)
    expect(results(store).valid).toBe(false)
    expect(leftoversOnBed(need())).toEqual([])
  }, 200_000)

  it('a login without root uses sudo -n for the faults, and cleans up the same', () => {
    const store = tempDir()
    const r = dstest(['run', ...loginFlags(need()), '--ssh-user', 'dstest', '--target', 'raft-kv', '--nemesis', 'partition,clock,pause', '--nemesis-interval', '3', '--time-limit', '12', '--seed', '5', '--store', store, '--reporter', 'line'], { timeoutMs: 180_000 })
    expect(r.stdout).toMatch(/nemesis ok start-partition/)
    expect(r.stdout).toMatch(/nemesis ok (bump|strobe)-clock/)
    expect(r.code).toBe(0)
    expect(leftoversOnBed(need())).toEqual([])
  }, 200_000)

  it('a host that refuses the key is named, exit 4, before anything is installed', () => {
    const bed = need()
    const n3 = bed.hosts[2]!
    const keys = join(bed.dir, 'hosts', n3.name, 'authorized_keys')
    const saved = readFileSync(keys, 'utf8')
    // Emptied in place: the container sees the bind-mounted file change.
    writeFileSync(keys, '')
    try {
      const r = dstest(['run', ...loginFlags(bed), '--target', 'raft-kv', '--time-limit', '5', '--store', tempDir(), '--reporter', 'line'], { timeoutMs: 60_000 })
      expect(r.code).toBe(4)
      expect(r.stdout + r.stderr).toContain(`n3 (${n3.address}:22) refused the login of root`)
      expect(r.stdout).not.toMatch(/\] setup/)
    } finally {
      writeFileSync(keys, saved)
    }
    expect(leftoversOnBed(bed)).toEqual([])
  }, 90_000)

  it('a host key that is not in known_hosts is refused, naming the host; the opt-out flag accepts it', () => {
    const bed = need()
    const partial = join(tempDir(), 'known_hosts')
    const lines = readFileSync(bed.knownHosts, 'utf8').split('\n').filter((l) => !l.startsWith(`${bed.hosts[1]!.address} `))
    writeFileSync(partial, lines.join('\n'))
    const args = ['run', '--runtime', 'ssh', '--nodes-file', bed.nodesFile, '--ssh-key', bed.key, '--target', 'raft-kv', '--time-limit', '3', '--rate', '1000', '--store', tempDir(), '--reporter', 'line']
    const refused = dstest([...args, '--known-hosts', partial], { timeoutMs: 60_000 })
    expect(refused.code).toBe(4)
    expect(refused.stdout + refused.stderr).toContain(`n2 (${bed.hosts[1]!.address}:22): its host key is not in ${partial}`)
    const accepted = dstest([...args, '--known-hosts', partial, '--no-ssh-strict-host-key-checking'], { timeoutMs: 90_000 })
    expect(accepted.stdout).toMatch(/verdict: VALID \(exit 0\)/)
    expect(leftoversOnBed(bed)).toEqual([])
  }, 150_000)

  it('a fault a host cannot provide is an error before the test, naming that host (no libfaketime on n4)', () => {
    const bed = need()
    const n4 = bed.hosts[3]!
    const lib = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1'
    onHost(n4.container, `mv ${lib} ${lib}.away`)
    try {
      const r = dstest(['run', ...loginFlags(bed), '--target', 'raft-kv', '--nemesis', 'clock', '--time-limit', '5', '--store', tempDir(), '--reporter', 'line'], { timeoutMs: 60_000 })
      expect(r.code).toBe(4)
      expect(r.stdout + r.stderr).toMatch(new RegExp(`n4 \\(${n4.address.replace(/\./g, '\\.')}:22\\) lacks libfaketime`))
      expect(r.stdout + r.stderr).not.toMatch(/n[1235] \(/)
      expect(r.stdout).not.toMatch(/\] setup/)
    } finally {
      onHost(n4.container, `mv ${lib}.away ${lib}`)
    }
    expect(leftoversOnBed(bed)).toEqual([])
  }, 90_000)

  it('Ctrl-C heals, stops and removes everything (exit 130)', async () => {
    const store = tempDir()
    const child = dstestSpawn(['run', ...loginFlags(need()), '--target', 'raft-kv', '--nemesis', 'partition', '--nemesis-interval', '2', '--time-limit', '60', '--store', store, '--reporter', 'line'])
    const done = exited(child)
    await waitFor(child, /nemesis ok start-partition/, 60_000)
    child.kill('SIGINT')
    expect(await done).toBe(130)
    expect(leftoversOnBed(need())).toEqual([])
  }, 120_000)

  it('a run killed with SIGKILL leaves its marks; `dstest cleanup --runtime ssh --run ID` removes exactly them', async () => {
    const bed = need()
    const store = tempDir()
    const child = dstestSpawn(['run', ...loginFlags(bed), '--target', 'raft-kv', '--nemesis', 'partition', '--nemesis-interval', '2', '--time-limit', '60', '--store', store, '--reporter', 'line'])
    const done = exited(child)
    await waitFor(child, /nemesis ok start-partition \{"topology":"[a-z-]+","grudge":\{"n/, 60_000)
    child.kill('SIGKILL')
    await done
    const left = leftoversOnBed(bed)
    expect(left.filter((l) => / folder /.test(l))).toHaveLength(5)
    expect(left.some((l) => / process /.test(l))).toBe(true)
    expect(left.some((l) => / iptables -N DSTEST-/.test(l))).toBe(true)
    const runId = (JSON.parse(readFileSync(join(latestRun(store), 'test.json'), 'utf8')) as { runId: string }).runId
    const other = dstest(['cleanup', '--runtime', 'ssh', '--nodes-file', bed.nodesFile, '--ssh-key', bed.key, '--known-hosts', bed.knownHosts, '--run', `${runId}-not-this-one`])
    expect(other.stdout).toBe('nothing to remove\n')
    expect(leftoversOnBed(bed)).toEqual(left)
    const r = dstest(['cleanup', '--runtime', 'ssh', '--nodes-file', bed.nodesFile, '--ssh-key', bed.key, '--known-hosts', bed.knownHosts, '--run', runId])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/n1 \(.*\): folder \/tmp\/dstest-run-/)
    expect(r.stdout).toMatch(/iptables chain DSTEST-/)
    expect(leftoversOnBed(bed)).toEqual([])
  }, 120_000)
})
