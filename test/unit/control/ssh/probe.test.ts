import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { LIBFAKETIME } from '../../../../control/faketime.js'
import { parseProbe, probeArgv, unmet, type HostFacts } from '../../../../control/ssh/probe.js'

const ready: HostFacts = {
  uid: 0,
  home: '/root',
  sudo: 'root',
  tools: { iptables: '/usr/sbin/iptables', 'iptables-restore': '/usr/sbin/iptables-restore', tc: '/usr/sbin/tc', node: '/usr/bin/node', tar: '/usr/bin/tar', setsid: '/usr/bin/setsid', date: '/usr/bin/date' },
  node: 'v20.20.0',
  faketime: true,
  iptablesError: undefined,
  netem: { available: true },
  device: 'eth0',
  kernel: '6.1.0',
}

describe('host probe', () => {
  it('reads the probe output', () => {
    const facts = parseProbe(
      ['uid=1000', 'home=/home/d', 'kernel=6.1', 'sudo=yes', 'tool.tc=/usr/sbin/tc', 'tool.node=/usr/bin/node', 'node=v18.19.0', 'faketime=yes', 'iptables.error=iptables: Permission denied (you must be root).', 'netem.error=Error: Specified qdisc kind is unknown.', 'device=ens3', ''].join('\n'),
    )
    expect(facts).toMatchObject({ uid: 1000, home: '/home/d', sudo: 'yes', node: 'v18.19.0', faketime: true, device: 'ens3', kernel: '6.1' })
    expect(facts.tools).toEqual({ tc: '/usr/sbin/tc', node: '/usr/bin/node' })
    expect(facts.iptablesError).toMatch(/Permission denied/)
    expect(facts.netem).toEqual({ available: false, reason: 'no sch_netem here (Error: Specified qdisc kind is unknown.)' })
  })

  it('runs in a real POSIX shell (this machine) and finds its tools', () => {
    const [cmd, ...args] = probeArgv(LIBFAKETIME, '127.0.0.1')
    const r = spawnSync(cmd!, args, { encoding: 'utf8' })
    expect(r.status).toBe(0)
    const facts = parseProbe(r.stdout)
    expect(facts.uid).toBe(process.getuid?.())
    expect(facts.tools['sh'] ?? facts.tools['tar']).toBeDefined()
    expect(facts.node).toBe(process.version)
    expect(facts.device).toBe('lo')
  })

  it('names what a host lacks for the faults asked, and nothing when it has it all', () => {
    const all = { iptables: true, tc: true, netem: true, faketime: true, nodeMajor: 20 }
    expect(unmet(ready, all, LIBFAKETIME)).toEqual([])
    expect(unmet({ ...ready, netem: { available: false, reason: 'no sch_netem here' } }, { netem: true }, LIBFAKETIME)).toEqual(['tc netem: no sch_netem here'])
    expect(unmet({ ...ready, netem: { available: false, reason: 'x' } }, { iptables: true }, LIBFAKETIME)).toEqual([])
    expect(unmet({ ...ready, uid: 1000, sudo: 'no' }, { iptables: true }, LIBFAKETIME)).toEqual(['root or password-less sudo (uid 1000, and `sudo -n true` failed)'])
    expect(unmet({ ...ready, uid: 1000, sudo: 'no' }, { faketime: true }, LIBFAKETIME)).toEqual([])
    expect(unmet({ ...ready, faketime: false }, { faketime: true }, LIBFAKETIME)).toEqual([`libfaketime at ${LIBFAKETIME} (package faketime)`])
    expect(unmet({ ...ready, node: 'v18.19.0' }, { nodeMajor: 20 }, LIBFAKETIME)).toEqual(['Node.js >= 20 (found v18.19.0)'])
    expect(unmet({ ...ready, node: undefined }, { nodeMajor: 20 }, LIBFAKETIME)).toEqual(['Node.js >= 20 (no node on the PATH)'])
    expect(unmet({ ...ready, iptablesError: 'modprobe: FATAL' }, { iptables: true }, LIBFAKETIME)).toEqual(['a working iptables (modprobe: FATAL)'])
    const { tc: _tc, ...noTc } = ready.tools
    expect(unmet({ ...ready, tools: noTc }, { tc: true }, LIBFAKETIME)).toEqual(['tc (iproute2)'])
    const { setsid: _s, ...noSetsid } = ready.tools
    expect(unmet({ ...ready, tools: noSetsid }, {}, LIBFAKETIME)).toEqual(['setsid (util-linux), to start processes that outlive the SSH channel'])
  })
})
