/**
 * Configurations that cannot work are refused before anything starts: exit 3,
 * one line with the fix, nothing written, no stack trace and no hang.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BIN, dstest, requireBuild, tempDir, type Result } from './helpers.js'

beforeAll(requireBuild)

/** Exit 3, one line on stderr (matching `line`), nothing on stdout. */
function refused(r: Result, line: RegExp): void {
  expect(r.code, r.stderr).toBe(3)
  expect(r.stdout).toBe('')
  const lines = r.stderr.trim().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(line)
}

describe('--name is one folder of its own under --store', () => {
  it('.. and . and other dot names are refused, and nothing is written beside the store', () => {
    const dir = tempDir()
    const store = join(dir, 'store')
    for (const name of ['..', '.', '.x']) {
      refused(dstest(['run', '--target', 'memory', '--time-limit', '1', '--name', name, '--store', store]), /^dstest: invalid test spec \(--name: '\.[.x]*' starts with "\."; a test name starts with a letter or a digit\)/)
    }
    expect(readdirSync(dir)).toEqual([])
  })

  it('latest is refused: it is the link to the newest run', () => {
    const store = tempDir()
    refused(dstest(['run', '--target', 'memory', '--time-limit', '1', '--name', 'latest', '--store', store]), /--name: 'latest' is the name of the store's link to the newest run/)
    expect(readdirSync(store)).toEqual([])
  })
})

describe('--store and --junit that cannot be written', () => {
  it('a --store under /proc is refused at once (it used to spin at 100% CPU)', () => {
    const r = dstest(['run', '--target', 'memory', '--time-limit', '1', '--store', '/proc/dstest-store'], { timeoutMs: 30_000 })
    refused(r, /^dstest: --store \/proc\/dstest-store: cannot create \/proc\/dstest-store \(ENOENT\): pass a folder you can write to$/)
    refused(dstest(['run', '--target', 'memory', '--store', '/proc/self'], { timeoutMs: 30_000 }), /^dstest: --store \/proc\/self: cannot write in \/proc\/self/)
    const dir = tempDir()
    refused(dstest(['run', '--target', 'memory', '--store', dir, '--junit', '/proc/self/junit.xml'], { timeoutMs: 30_000 }), /^dstest: --junit \/proc\/self\/junit.xml: cannot write in \/proc\/self/)
  })

  it('a --store on a read-only filesystem is refused (a private read-only mount, seen by this one process)', () => {
    const dir = tempDir()
    const ro = join(dir, 'ro')
    mkdirSync(ro)
    // unshare -m: the mount exists only in the child's own mount namespace.
    const script = 'mount -t tmpfs -o ro,size=64k tmpfs "$1" && shift && exec "$@"'
    const probe = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', ro, 'true'], { encoding: 'utf8' })
    expect(probe.status, `unshare -m and mount need root: ${probe.stderr}`).toBe(0)
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', ro, process.execPath, BIN, 'run', '--target', 'memory', '--time-limit', '1', '--store', join(ro, 'store')], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    refused({ code: r.status, stdout: r.stdout, stderr: r.stderr }, /^dstest: --store .*\/ro\/store: cannot create .*\/ro\/store \(EROFS\): pass a folder you can write to$/)
    const existing = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', ro, process.execPath, BIN, 'run', '--target', 'memory', '--store', ro], { encoding: 'utf8', timeout: 60_000 })
    refused({ code: existing.status, stdout: existing.stdout, stderr: existing.stderr }, /^dstest: --store .*\/ro: cannot write in .*\/ro \(EROFS\)/)
  })

  it('a --store that is a file', () => {
    const dir = tempDir()
    const file = join(dir, 'taken')
    writeFileSync(file, '')
    refused(dstest(['run', '--target', 'memory', '--store', file]), /^dstest: --store .*taken: .*taken is a file, not a folder/)
  })
})

describe('faults the cluster is too small for', () => {
  it('--nodes 2 and 1 with partitions are refused before any cluster starts, --dry-run included', () => {
    refused(
      dstest(['run', '--target', 'raft-kv', '--nodes', '2', '--nemesis', 'partition', '--dry-run']),
      /^dstest: the partition topology 'majorities-ring', drawn by default, needs at least 3 nodes, and --nodes is 2: pass --nodes 3 or more, or a --partition that fits: /,
    )
    // No Docker engine is needed to refuse it: it is refused before the runtime is asked for.
    const store = tempDir()
    refused(
      dstest(['run', '--target', 'raft-kv', '--nodes', '1', '--nemesis', 'partition', '--store', store], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } }),
      /need more nodes than --nodes 1: pass --nodes 3 or more$/,
    )
    expect(readdirSync(store)).toEqual([])
    const fits = dstest(['run', '--target', 'raft-kv', '--nodes', '2', '--nemesis', 'partition', '--partition', 'one', '--dry-run', '--seed', '1'])
    expect(fits.code).toBe(0)
    expect(fits.stdout).toMatch(/start-partition/)
  })
})

describe('dstest check: bad limits and paths', () => {
  const history = (dir: string): string => {
    const file = join(dir, 'h.jsonl')
    writeFileSync(file, '{"index":0,"time":1,"type":"invoke","process":0,"f":"write","value":1}\n{"index":1,"time":2,"type":"ok","process":0,"f":"write","value":1}\n')
    return file
  }

  it('--time-limit -1, 0, NaN and beyond what a timer holds are refused', () => {
    const dir = tempDir()
    const file = history(dir)
    for (const limit of ['-1', '0', 'abc', '1e12']) {
      refused(dstest(['check', file, '--checker', 'stats', '--store', dir, '--time-limit', limit]), /^dstest: --time-limit must be a number of seconds above 0 and at most 2000000 \(got .*\): pass e\.g\. --time-limit 60/)
    }
    expect(readdirSync(dir)).toEqual(['h.jsonl'])
  })

  it('a --store under /proc, and a device instead of a history, are refused', () => {
    const dir = tempDir()
    refused(dstest(['check', history(dir), '--checker', 'stats', '--store', '/proc/dstest-store'], { timeoutMs: 30_000 }), /--store \/proc\/dstest-store: cannot create/)
    refused(dstest(['check', '/dev/zero', '--checker', 'stats', '--store', dir], { timeoutMs: 30_000 }), /\/dev\/zero is neither a history file nor a run folder/)
    expect(existsSync(join(dir, 'check-zero'))).toBe(false)
  })
})
