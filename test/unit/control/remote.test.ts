import { describe, expect, it } from 'vitest'
import { nodePath } from '../../../control/remote.js'

describe('nodePath', () => {
  it('leaves a path as it is on a node whose filesystem is the run\'s own', () => {
    expect(nodePath({ root: '/' }, '/var/lib/raft-kv')).toBe('/var/lib/raft-kv')
  })
  it('places a path under a per-run folder on a shared host', () => {
    expect(nodePath({ root: '/var/tmp/dstest/run-1' }, '/var/lib/raft-kv')).toBe('/var/tmp/dstest/run-1/var/lib/raft-kv')
    expect(nodePath({ root: '/var/tmp/dstest/run-1/' }, '/x')).toBe('/var/tmp/dstest/run-1/x')
  })
  it('refuses a relative path', () => {
    expect(() => nodePath({ root: '/' }, 'var/lib')).toThrow(/absolute/)
  })
})
