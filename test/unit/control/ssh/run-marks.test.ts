import { describe, expect, it } from 'vitest'
import { checkChain, restoreScript } from '../../../../control/iptables.js'
import { chainName, runRoot } from '../../../../control/ssh/run-marks.js'

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
})
