import { describe, expect, it } from 'vitest'
import { subnetAddresses, usedThirdOctets } from '../../../../control/docker/runtime.js'

describe('docker runtime helpers', () => {
  it('address plan of a run', () => {
    expect(subnetAddresses(7, 3)).toEqual({ subnet: '10.222.7.0/24', gateway: '10.222.7.1', ips: ['10.222.7.11', '10.222.7.12', '10.222.7.13'] })
  })

  it('avoids subnets used by docker networks and host interfaces', () => {
    const used = usedThirdOctets(['172.17.0.0/16', '10.222.3.0/24', '10.222.8.0/22', '10.0.0.0/16'], ['10.222.100.5', '127.0.0.1'])
    expect([...used].sort((a, b) => a - b)).toEqual([3, 8, 9, 10, 11, 100])
    expect(usedThirdOctets(['10.0.0.0/8'], []).size).toBe(256)
  })
})
