// The classic workloads through the built CLI, as a user runs them: each valid
// on the memory target and each bug mode caught (the offline checks and
// `dstest list` are in classic-check.test.ts, so the two files run in parallel).
import { realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, requireBuild, tempDir } from './helpers.js'

beforeAll(() => requireBuild())

function run(args: string[]): { code: number | null; stdout: string; store: string } {
  const store = tempDir()
  const r = dstest(['run', '--target', 'memory', '--seed', '1', '--reporter', 'line', '--store', store, ...args])
  return { code: r.code, stdout: r.stdout + r.stderr, store }
}

describe('dstest run: the classic workloads on the memory target', () => {
  it('set for 5 s is valid (exit 0), and re-checking the stored run agrees', () => {
    const r = run(['--workload', 'set', '--time-limit', '5'])
    expect(r.stdout).toMatch(/\n  set: VALID - \d+ stable, 0 lost/)
    expect(r.code).toBe(0)
    const again = dstest(['check', realpathSync(join(r.store, 'latest'))])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/set: VALID/)
    // The bare history file, with the checker named: its values are [key, v].
    const file = join(realpathSync(join(r.store, 'latest')), 'history.jsonl')
    const bare = dstest(['check', file, '--checker', 'set', '--independent', '--store', r.store])
    expect(bare.stdout).toMatch(/set: VALID - \d+ stable, 0 lost/)
    expect(bare.code).toBe(0)
  })

  it.each([
    ['set', 'lost-add', /set: INVALID - \d+ element\(s\) lost/],
    ['bank', 'torn-transfer', /bank: INVALID - \d+ read\(s\) with the wrong total/],
    ['counter', 'lost-increment', /counter: INVALID - \d+ read\(s\) out of bounds/],
    ['unique-ids', 'duplicate-id', /unique-ids: INVALID - \d+ id\(s\) returned more than once/],
    ['queue', 'lost-enqueue', /queue: INVALID - \d+ acknowledged value\(s\) never dequeued/],
    ['queue', 'duplicate-dequeue', /queue: INVALID - \d+ value\(s\) dequeued more than once/],
    ['long-fork', 'long-fork', /long-fork: INVALID - \d+ long fork\(s\)/],
  ])('%s is valid (exit 0), and with --bug %s it is caught (exit 1)', (workload, bug, finding) => {
    const ok = run(['--workload', workload, '--time-limit', '2', '--rate', '500'])
    expect(ok.stdout).toMatch(new RegExp(`\\n  ${workload}: VALID`))
    expect(ok.code).toBe(0)
    const bad = run(['--workload', workload, '--time-limit', '2', '--rate', '500', '--bug', bug])
    expect(bad.stdout).toMatch(finding)
    expect(bad.code).toBe(1)
  })

  it('queue with workload option fifo catches unordered-dequeue, which the totals alone cannot see', () => {
    const dir = tempDir()
    const config = join(dir, 'fifo.json')
    writeFileSync(config, JSON.stringify({ workloadOptions: { fifo: true } }))
    // Two clients: the FIFO check is a linearizability search whose cost grows
    // with concurrency; with ten, a 2 s history took over a minute to decide at
    // a load average of 50 (unknown), and with two the swap is caught even when
    // load leaves the run only a few dozen operations.
    const args = ['--workload', 'queue', '--time-limit', '2', '--rate', '500', '--concurrency', '2', '--bug', 'unordered-dequeue']
    const plain = run(args)
    expect(plain.code).toBe(0)
    const fifo = run([...args, '--config', config])
    expect(fifo.stdout).toMatch(/queue: INVALID - not FIFO: not linearizable \(model queue\)/)
    expect(fifo.code).toBe(1)
  })

  it('a bug for another workload, or a bad workload option, is refused with exit 3', () => {
    const wrong = run(['--workload', 'bank', '--time-limit', '1', '--bug', 'lost-add'])
    expect(wrong.code).toBe(3)
    expect(wrong.stdout).toMatch(/bug 'lost-add' of target memory breaks the set workload, not bank: run it with --workload set/)
    const dir = tempDir()
    const config = join(dir, 'bad.json')
    writeFileSync(config, JSON.stringify({ workloadOptions: { accounts: 'many' } }))
    const bad = run(['--workload', 'bank', '--time-limit', '1', '--config', config])
    expect(bad.code).toBe(3)
    expect(bad.stdout).toMatch(/bank workload: option accounts must be an integer from 2 to 1000, got "many"/)
  })
})
