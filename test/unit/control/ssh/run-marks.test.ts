import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkChain, restoreScript } from '../../../../control/iptables.js'
import { currentOwner, selectForCleanup } from '../../../../control/owner.js'
import { chainName, listRunsArgv, runRoot } from '../../../../control/ssh/run-marks.js'
import { parseRuns } from '../../../../control/ssh/runtime.js'

describe('run marks', () => {
  it('gives every run its own chain, within iptables\' 28 characters, derived from the run id alone', () => {
    const a = chainName('raft-kv-register-a1b2c3')
    expect(a).toMatch(/^DSTEST-[0-9a-f]{8}$/)
    expect(chainName('raft-kv-register-a1b2c3')).toBe(a)
    expect(chainName('raft-kv-register-a1b2c4')).not.toBe(a)
    expect(chainName('x'.repeat(63)).length).toBeLessThanOrEqual(28)
    expect(checkChain(a)).toBe(a)
    expect(restoreScript({ dropFrom: ['10.0.0.2'] }, a)).toBe(`*filter\n:${a} - [0:0]\n-A ${a} -s 10.0.0.2 -j DROP\nCOMMIT\n`)
  })

  it('places the run under /tmp by its id and refuses ids that would leave it', () => {
    expect(runRoot('chain-kv-register-00ff00')).toBe('/tmp/dstest-run-chain-kv-register-00ff00')
    for (const bad of ['', '../x', 'a/b', 'a b', '-rf', 'x'.repeat(64)]) expect(() => runRoot(bad)).toThrow(/bad run id/)
    expect(() => checkChain('INPUT')).toThrow(/not a dstest chain/)
  })

  it("lists a host's runs with their owners, and a bare cleanup takes only the one whose dstest is gone", () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstest-marks-'))
    try {
      const prefix = join(dir, 'dstest-run-')
      const run = (id: string, owner?: string): void => {
        mkdirSync(`${prefix}${id}/dstest`, { recursive: true })
        writeFileSync(`${prefix}${id}/dstest/run-id`, `${id}\n`)
        if (owner !== undefined) writeFileSync(`${prefix}${id}/dstest/owner`, `${owner}\n`)
      }
      const dead = spawnSync('true').pid!
      const me = currentOwner()
      run('t-aaaaaa', JSON.stringify({ ...me, pid: dead, start: undefined }))
      run('t-bbbbbb', JSON.stringify(me))
      run('t-cccccc')
      run('t-dddddd', 'not json')
      mkdirSync(`${prefix}no-marks`)
      const [cmd, ...args] = listRunsArgv(prefix)
      const r = spawnSync(cmd!, args, { encoding: 'utf8' })
      expect(r.status).toBe(0)
      const runs = parseRuns(r.stdout)
      expect([...runs.keys()].sort()).toEqual(['t-aaaaaa', 't-bbbbbb', 't-cccccc', 't-dddddd'])
      expect(runs.get('t-bbbbbb')).toEqual(me)
      expect(runs.get('t-cccccc')).toBeUndefined()
      const bare = selectForCleanup(runs, {})
      expect(bare.remove).toEqual(['t-aaaaaa'])
      expect(bare.kept.map((k) => `${k.runId}: ${k.why}`).sort()).toEqual([
        `t-bbbbbb: its dstest (pid ${process.pid}) is still running`,
        't-cccccc: it records no owner (made by an older dstest)',
        't-dddddd: it records no owner (made by an older dstest)',
      ])
      expect(selectForCleanup(runs, { runId: 't-bbbbbb' }).remove).toEqual(['t-bbbbbb'])
      expect(selectForCleanup(runs, { all: true }).remove.sort()).toEqual(['t-aaaaaa', 't-bbbbbb', 't-cccccc', 't-dddddd'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
