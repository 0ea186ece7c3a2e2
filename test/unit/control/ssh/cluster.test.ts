import { describe, expect, it } from 'vitest'
import { rootQdiscChange } from '../../../../control/ssh/cluster.js'
import { deleteRootArgv, netemArgv, tbfArgv } from '../../../../control/tc.js'

describe('SSH cluster: which tc commands install or delete a root qdisc (recorded, so only the run\'s own are deleted)', () => {
  it('reads the builders\' commands', () => {
    expect(rootQdiscChange(tbfArgv({ rateKbit: 1000 }))).toEqual({ action: 'install', device: 'eth0' })
    expect(rootQdiscChange(netemArgv({ delayMs: 50 }, 'ens3'))).toEqual({ action: 'install', device: 'ens3' })
    expect(rootQdiscChange(['tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'])).toEqual({ action: 'install', device: 'lo' })
    expect(rootQdiscChange(deleteRootArgv())).toEqual({ action: 'delete', device: 'eth0' })
    expect(rootQdiscChange(['tc', 'class', 'replace', 'dev', 'eth0', 'parent', '1:', 'classid', '1:10', 'htb'])).toBeUndefined()
    expect(rootQdiscChange(['tc', 'qdisc', 'show', 'dev', 'eth0'])).toBeUndefined()
    expect(rootQdiscChange(['iptables', '-F', 'DSTEST'])).toBeUndefined()
  })
})
