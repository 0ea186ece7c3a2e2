import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSpec } from '../../../core/spec.js'
import { DstestError } from '../../../core/errors.js'
import { resolveRuntime, sshRequirements, sshRuntime } from '../../../run/runtimes.js'

const dir = mkdtempSync(join(tmpdir(), 'dstest-unit-runtimes-'))
const nodes = join(dir, 'nodes.txt')
writeFileSync(nodes, 'n1 10.0.0.2\nn2 10.0.0.3\n')
const noKey = join(dir, 'no-such-key')

async function refusal(p: Promise<unknown>): Promise<DstestError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(DstestError)
    return e as DstestError
  }
  throw new Error('expected a refusal')
}

describe('the ssh runtime from the spec', () => {
  it('asks the hosts for what the run\'s faults need', () => {
    const req = (nemesis: string, realClock = false, layer = false) => sshRequirements(parseSpec({ nemesis, sshRealClock: realClock }), layer)
    expect(req('none')).toEqual({})
    expect(req('kill,pause')).toEqual({})
    expect(req('partition')).toEqual({ iptables: true })
    expect(req('packet')).toEqual({ iptables: true })
    expect(req('clock')).toEqual({ faketime: true })
    expect(req('clock', true)).toEqual({ realClock: true })
    expect(req('skewed-leader', false, true)).toEqual({ iptables: true, faketime: true, nodeMajor: 20 })
  })

  it('refuses bad settings before connecting, with exit 3', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /needs its hosts/],
      [{ nodesFile: nodes, sshHost: ['10.0.0.2'] }, /both name the hosts/],
      [{ nodesFile: join(dir, 'missing.txt') }, /cannot read nodes file/],
      [{ nodesFile: nodes, sshKey: noKey }, /cannot read .*no-such-key/],
      [{ nodesFile: nodes, sshKey: nodes }, /cannot use the SSH key/],
    ]
    for (const [settings, message] of cases) {
      const e = await refusal(sshRuntime(parseSpec(settings)))
      expect(e.message).toMatch(message)
      expect(e.exitCode).toBe(3)
    }
    const bad = join(dir, 'bad.txt')
    writeFileSync(bad, 'n1 10.0.0.2\nn2 10.0.0.3 oops\n')
    const e = await refusal(resolveRuntime('ssh', { spec: parseSpec({ nodesFile: bad }) }))
    expect(e.toLine()).toMatch(new RegExp(`^${bad.replace(/[.]/g, '\\.')}:2: expected a name and an address`))
    expect(e.exitCode).toBe(3)
  })
})
