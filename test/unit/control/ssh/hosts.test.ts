import { describe, expect, it } from 'vitest'
import { parseAddress, parseHostFlags, parseNodesFile } from '../../../../control/ssh/hosts.js'
import { DstestError } from '../../../../core/errors.js'

function refusal(text: string): DstestError {
  try {
    parseNodesFile(text, 'nodes.txt')
  } catch (e) {
    expect(e).toBeInstanceOf(DstestError)
    return e as DstestError
  }
  throw new Error('expected the nodes file to be refused')
}

describe('nodes file', () => {
  it('reads `name address[:port]` and bare `address[:port]` lines, skipping comments and blank lines', () => {
    const text = ['# the lab', '', 'n1 10.0.0.2', 'db2   db2.lab.example:2222   # a comment', '  10.0.0.4:22', '[fe80::1]:2200', 'v6 [::1]', ''].join('\n')
    expect(parseNodesFile(text, 'nodes.txt')).toEqual([
      { label: 'n1', host: '10.0.0.2', port: undefined },
      { label: 'db2', host: 'db2.lab.example', port: 2222 },
      { label: '10.0.0.4', host: '10.0.0.4', port: 22 },
      { label: 'fe80::1', host: 'fe80::1', port: 2200 },
      { label: 'v6', host: '::1', port: undefined },
    ])
  })

  it('refuses a bad line with exit 3, naming the file and the line', () => {
    const cases: [string, RegExp][] = [
      ['n1 10.0.0.2\nn2 10.0.0.3 extra', /^nodes\.txt:2: expected a name and an address, got 3 fields/],
      ['n1 10.0.0.2:99999', /^nodes\.txt:1: '99999' is not a port/],
      ['n1 10.0.0.2:', /^nodes\.txt:1: '' is not a port/],
      ['\n\nn1 bad_host!', /^nodes\.txt:3: 'bad_host!' is not a host name/],
      ['n1 300.1.1.1', /^nodes\.txt:1: '300\.1\.1\.1' is not an IPv4 address/],
      ['n1 fe80::1', /^nodes\.txt:1: 'fe80::1': write an IPv6 address as \[address\]/],
      ['$(reboot) 10.0.0.2', /^nodes\.txt:1: '\$\(reboot\)' is not a node name/],
      ['n1 10.0.0.2\nn1 10.0.0.3', /^nodes\.txt:2: .*repeats the name n1/],
      ['n1 10.0.0.2\nn2 10.0.0.2', /^nodes\.txt:2: .*repeats the address of n1/],
    ]
    for (const [text, message] of cases) {
      const e = refusal(text)
      expect(e.message).toMatch(message)
      expect(e.exitCode).toBe(3)
      expect(e.fix).toMatch(/name address\[:port\]/)
    }
    expect(refusal('# nothing here\n\n').message).toMatch(/lists no hosts/)
  })

  it('--ssh-host values are addresses, one host each', () => {
    expect(parseHostFlags(['10.0.0.2', 'h3.example:2022'])).toEqual([
      { label: '10.0.0.2', host: '10.0.0.2', port: undefined },
      { label: 'h3.example', host: 'h3.example', port: 2022 },
    ])
    expect(() => parseHostFlags(['10.0.0.2;id'])).toThrow(/--ssh-host:1: '10\.0\.0\.2;id' is not a host name/)
  })

  it('addresses', () => {
    expect(parseAddress('a.b')).toEqual({ host: 'a.b', port: undefined })
    expect(parseAddress('[2001:db8::2]:22')).toEqual({ host: '2001:db8::2', port: 22 })
    expect(() => parseAddress('-oProxyCommand=x')).toThrow(/not a host name/)
  })
})
