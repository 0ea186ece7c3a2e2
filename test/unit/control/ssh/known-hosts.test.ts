import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { keyTypeOf, knownHostsName, parseKnownHosts, patternsMatch, preferredHostKeyAlgorithms, verifyHostKey } from '../../../../control/ssh/known-hosts.js'

const FIXTURES = join(import.meta.dirname, '../../../fixtures/ssh')
const entries = parseKnownHosts(readFileSync(join(FIXTURES, 'known_hosts'), 'utf8'))
const blob = (file: string): Buffer => Buffer.from(readFileSync(join(FIXTURES, file), 'utf8').split(' ')[1]!, 'base64')
const A = blob('key-a.pub')
const B = blob('key-b.pub')
const RSA = blob('key-rsa.pub')

describe('known_hosts', () => {
  it('reads the lines ssh reads and skips comments and junk', () => {
    expect(entries.map((e) => e.line)).toEqual([4, 5, 6, 7, 9, 10, 11])
    expect(entries.find((e) => e.line === 9)?.marker).toBe('revoked')
    expect(entries.find((e) => e.line === 11)?.marker).toBe('cert-authority')
    expect(keyTypeOf(A)).toBe('ssh-ed25519')
    expect(keyTypeOf(RSA)).toBe('ssh-rsa')
  })

  it('accepts the known key under each way a host can be written', () => {
    expect(verifyHostKey(entries, '10.0.0.2', A)).toEqual({ status: 'match', line: 4 })
    expect(verifyHostKey(entries, 'db1.example', A)).toEqual({ status: 'match', line: 4 })
    expect(verifyHostKey(entries, knownHostsName('10.0.0.3', 2222), A)).toEqual({ status: 'match', line: 5 })
    expect(verifyHostKey(entries, 'web.lab.example', A)).toEqual({ status: 'match', line: 6 })
    // Hashed by ssh-keygen -H: the name is not in the file, only its HMAC.
    expect(readFileSync(join(FIXTURES, 'known_hosts'), 'utf8')).not.toContain('hashed.example')
    expect(verifyHostKey(entries, 'hashed.example', A)).toEqual({ status: 'match', line: 7 })
  })

  it('refuses a different key, an unknown host, a negated name, the wrong port and a revoked key', () => {
    expect(verifyHostKey(entries, '10.0.0.2', RSA)).toEqual({ status: 'unknown' }) // no rsa key known for it
    expect(verifyHostKey(entries, 'rsa.example', blob('key-rsa.pub'))).toEqual({ status: 'match', line: 10 })
    const otherRsa = Buffer.from(RSA)
    otherRsa[otherRsa.length - 1] = otherRsa.at(-1)! ^ 1
    expect(verifyHostKey(entries, 'rsa.example', otherRsa)).toEqual({ status: 'mismatch', lines: [10] })
    expect(verifyHostKey(entries, '10.0.0.9', A)).toEqual({ status: 'unknown' })
    expect(verifyHostKey(entries, 'secret.lab.example', A)).toEqual({ status: 'unknown' })
    expect(verifyHostKey(entries, '10.0.0.3', A)).toEqual({ status: 'unknown' }) // known on port 2222 only
    expect(verifyHostKey(entries, '10.0.0.2', B)).toEqual({ status: 'revoked', line: 9 })
    // @cert-authority lines are not host keys.
    expect(verifyHostKey(entries, 'ca.example', A)).toEqual({ status: 'unknown' })
  })

  it('patterns', () => {
    expect(knownHostsName('h', 22)).toBe('h')
    expect(knownHostsName('h', 2200)).toBe('[h]:2200')
    expect(patternsMatch(['n?.lab'], 'n1.lab')).toBe(true)
    expect(patternsMatch(['n?.lab'], 'n10.lab')).toBe(false)
    expect(patternsMatch(['a.b'], 'aXb')).toBe(false)
  })

  it('asks first for the key types it knows for a host', () => {
    expect(preferredHostKeyAlgorithms(entries, 'rsa.example')).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'])
    expect(preferredHostKeyAlgorithms(entries, '10.0.0.2')).toEqual(['ssh-ed25519'])
    expect(preferredHostKeyAlgorithms(entries, 'nowhere')).toBeUndefined()
  })
})
