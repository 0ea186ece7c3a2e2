import { describe, expect, it } from 'vitest'
import * as ipt from '../../../control/iptables.js'

describe('iptables builders', () => {
  it('renders a node state as one iptables-restore batch into the DSTEST chain', () => {
    const script = ipt.restoreScript({ dropFrom: ['10.0.0.3', '10.0.0.2', '10.0.0.3'], lossFrom: [{ address: '10.0.0.4', probability: 0.3 }] })
    expect(script).toBe(
      [
        '*filter',
        ':DSTEST - [0:0]',
        '-A DSTEST -s 10.0.0.2 -j DROP',
        '-A DSTEST -s 10.0.0.3 -j DROP',
        '-A DSTEST -s 10.0.0.4 -m statistic --mode random --probability 0.3 -j DROP',
        'COMMIT',
        '',
      ].join('\n'),
    )
    expect(ipt.restoreScript({ dropFrom: [] })).toBe('*filter\n:DSTEST - [0:0]\nCOMMIT\n')
    expect(ipt.restoreArgv()).toEqual(['iptables-restore', '--noflush'])
  })

  it('single commands are argv arrays touching only DSTEST', () => {
    expect(ipt.dropFromArgv('10.0.0.2')).toEqual(['iptables', '-A', 'DSTEST', '-s', '10.0.0.2', '-j', 'DROP'])
    expect(ipt.lossFromArgv('10.0.0.2', 0.1)).toEqual(['iptables', '-A', 'DSTEST', '-s', '10.0.0.2', '-m', 'statistic', '--mode', 'random', '--probability', '0.1', '-j', 'DROP'])
    expect(ipt.flushArgv()).toEqual(['iptables', '-F', 'DSTEST'])
    expect(ipt.checkJumpArgv()).toEqual(['iptables', '-C', 'INPUT', '-j', 'DSTEST'])
    expect(ipt.insertJumpArgv()).toEqual(['iptables', '-I', 'INPUT', '1', '-j', 'DSTEST'])
  })

  it('refuses names and bad probabilities (no DNS waits, no injected arguments)', () => {
    expect(() => ipt.dropFromArgv('n2')).toThrow(/not an IPv4 address/)
    expect(() => ipt.dropFromArgv('10.0.0.1 -j ACCEPT')).toThrow(/not an IPv4 address/)
    expect(() => ipt.lossFromArgv('10.0.0.1', 1.5)).toThrow(/probability/)
  })

  it('reads the backend from `iptables --version`', () => {
    expect(ipt.iptablesBackend('iptables v1.8.9 (nf_tables)')).toBe('nft')
    expect(ipt.iptablesBackend('iptables v1.8.9 (legacy)')).toBe('legacy')
    expect(ipt.iptablesBackend('bash: iptables: not found')).toBe('unknown')
  })
})
