/** One address helper for the servers (host:port required) and their clients (a default port). */
import { describe, expect, it } from 'vitest'
import { splitAddress } from '../../../../targets/server-kit/address.js'

describe('splitAddress', () => {
  it('splits host:port', () => {
    expect(splitAddress('10.0.0.2:7001')).toEqual(['10.0.0.2', 7001])
    expect(splitAddress('n1:7000', 7100)).toEqual(['n1', 7000])
    expect(splitAddress('[::1]:7001', 7100)).toEqual(['[::1]', 7001])
  })

  it('gives a bare host the default port, when there is one', () => {
    expect(splitAddress('10.0.0.2', 7000)).toEqual(['10.0.0.2', 7000])
    expect(splitAddress('[::1]', 7100)).toEqual(['[::1]', 7100])
    expect(splitAddress('::1', 7100)).toEqual(['::1', 7100])
    expect(() => splitAddress('10.0.0.2')).toThrow("address '10.0.0.2' needs host:port")
  })

  it('refuses a bad port or a missing host', () => {
    expect(() => splitAddress('h:0')).toThrow(/bad port/)
    expect(() => splitAddress('h:70000', 7000)).toThrow(/bad port/)
    expect(() => splitAddress('h:x1', 7000)).toThrow(/bad port/)
    expect(() => splitAddress(':7000')).toThrow(/needs host:port/)
    expect(() => splitAddress('', 7000)).toThrow(/needs host:port/)
  })
})
