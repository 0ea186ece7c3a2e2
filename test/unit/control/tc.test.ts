import { describe, expect, it } from 'vitest'
import * as tc from '../../../control/tc.js'

describe('tc builders', () => {
  it('tbf bandwidth', () => {
    expect(tc.tbfArgv({ rateKbit: 1000 })).toEqual(['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'tbf', 'rate', '1000kbit', 'burst', '16384', 'latency', '400ms'])
    expect(tc.tbfArgv({ rateKbit: 100_000, latencyMs: 50 }, 'eth1')).toEqual(['tc', 'qdisc', 'replace', 'dev', 'eth1', 'root', 'tbf', 'rate', '100000kbit', 'burst', '125000', 'latency', '50ms'])
    expect(() => tc.tbfArgv({ rateKbit: 0 })).toThrow(/> 0/)
  })

  it('htb per destination: root, default class, limited class, one u32 filter per address', () => {
    const cmds = tc.htbArgvs({ rateKbit: 512 }, ['10.0.0.2', '10.0.0.3'])
    expect(cmds).toHaveLength(5)
    expect(cmds[0]).toEqual(['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'handle', '1:', 'htb', 'default', '99'])
    expect(cmds[3]).toEqual(['tc', 'filter', 'add', 'dev', 'eth0', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'dst', '10.0.0.2/32', 'flowid', '1:10'])
  })

  it('netem: delay, jitter, loss, duplicate, reorder', () => {
    expect(tc.netemArgv({ delayMs: 100, jitterMs: 20, distribution: 'normal', lossPct: 1, duplicatePct: 2, reorderPct: 25 })).toEqual([
      'tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem',
      'delay', '100ms', '20ms', 'distribution', 'normal', 'loss', '1%', 'duplicate', '2%', 'reorder', '25%',
    ])
    expect(() => tc.netemArgv({})).toThrow(/at least one/)
    expect(() => tc.netemArgv({ reorderPct: 10 })).toThrow(/needs a delay/)
    expect(() => tc.netemArgv({ lossPct: 120 })).toThrow(/percentage/)
    expect(() => tc.tbfArgv({ rateKbit: 1 }, 'eth0; reboot')).toThrow(/interface/)
  })

  it('reads the netem probe: present, missing from the kernel, or another failure', () => {
    expect(tc.parseNetemProbe({ exitCode: 0, stderr: '' })).toEqual({ available: true })
    const missing = tc.parseNetemProbe({ exitCode: 2, stderr: 'Error: Specified qdisc kind is unknown.\n' })
    expect(missing).toMatchObject({ available: false, reason: expect.stringMatching(/no sch_netem/) })
    expect(tc.parseNetemProbe({ exitCode: 2, stderr: 'RTNETLINK answers: Operation not permitted' })).toMatchObject({
      available: false,
      reason: expect.stringMatching(/could not add/),
    })
    expect(tc.isNothingToDelete('Error: Cannot delete qdisc with handle of zero.')).toBe(true)
  })
})
