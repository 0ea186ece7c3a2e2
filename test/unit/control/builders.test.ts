import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { demultiplex } from '../../../control/docker/engine.js'
import { subnetAddresses, usedThirdOctets } from '../../../control/docker/runtime.js'
import { faketimeEnv, faketimeSpec, parseFaketimeSpec, writeFaketimeOffset } from '../../../control/faketime.js'
import * as ipt from '../../../control/iptables.js'
import * as tc from '../../../control/tc.js'

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

describe('faketime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dstest-ft-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('the environment for a target process', () => {
    expect(faketimeEnv()).toEqual({
      LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
      FAKETIME_TIMESTAMP_FILE: '/dstest/control/faketime',
      FAKETIME_NO_CACHE: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    })
  })

  it('offsets as libfaketime reads them: signed seconds with milliseconds', () => {
    expect(faketimeSpec(1500)).toBe('+1.500\n')
    expect(faketimeSpec(-120_000)).toBe('-120.000\n')
    expect(faketimeSpec(0)).toBe('+0.000\n')
    expect(faketimeSpec(-7)).toBe('-0.007\n')
    for (const ms of [0, 1, -1, 999, 1500, -86_400_000]) expect(parseFaketimeSpec(faketimeSpec(ms))).toBe(ms)
    expect(() => faketimeSpec(Number.NaN)).toThrow()
  })

  it('writes the offset file atomically (no temp file left)', async () => {
    await writeFaketimeOffset(dir, 2500)
    await writeFaketimeOffset(dir, -3000)
    expect(readFileSync(join(dir, 'faketime'), 'utf8')).toBe('-3.000\n')
    expect(readdirSync(dir)).toEqual(['faketime'])
  })
})

describe('docker runtime helpers', () => {
  it('address plan of a run', () => {
    expect(subnetAddresses(7, 3)).toEqual({ subnet: '10.222.7.0/24', gateway: '10.222.7.1', ips: ['10.222.7.11', '10.222.7.12', '10.222.7.13'] })
  })

  it('avoids subnets used by docker networks and host interfaces', () => {
    const used = usedThirdOctets(['172.17.0.0/16', '10.222.3.0/24', '10.222.8.0/22', '10.0.0.0/16'], ['10.222.100.5', '127.0.0.1'])
    expect([...used].sort((a, b) => a - b)).toEqual([3, 8, 9, 10, 11, 100])
    expect(usedThirdOctets(['10.0.0.0/8'], []).size).toBe(256)
  })

  it('demultiplexes the engine exec stream', () => {
    const frame = (kind: number, s: string): Buffer => {
      const h = Buffer.alloc(8)
      h[0] = kind
      h.writeUInt32BE(Buffer.byteLength(s), 4)
      return Buffer.concat([h, Buffer.from(s)])
    }
    expect(demultiplex(Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]))).toEqual({
      stdout: Buffer.from('out1 out2'),
      stderr: Buffer.from('err'),
    })
  })
})
