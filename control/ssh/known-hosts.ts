/**
 * Host-key checking against an OpenSSH known_hosts file: plain host names,
 * `[host]:port` for other ports, hashed entries (`|1|salt|hmac`, what
 * `HashKnownHosts yes` writes), `*` / `?` wildcards, `!` negations and
 * `@revoked` keys. `@cert-authority` lines are not supported and never match.
 * A host whose key is unknown or different is refused before any command runs.
 */
import { createHmac } from 'node:crypto'

export interface KnownHostEntry {
  /** 1-based line number in the file. */
  line: number
  marker: 'revoked' | 'cert-authority' | undefined
  patterns: string[]
  keyType: string
  key: Buffer
}

export type HostKeyVerdict =
  | { status: 'match'; line: number }
  | { status: 'unknown' }
  | { status: 'mismatch'; lines: number[] }
  | { status: 'revoked'; line: number }

/** Parses known_hosts text; lines it cannot read are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  for (const [i, raw] of text.split('\n').entries()) {
    const fields = raw.trim().split(/\s+/)
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) continue
    let marker: KnownHostEntry['marker']
    if (fields[0].startsWith('@')) {
      const m = fields.shift()
      if (m === '@revoked') marker = 'revoked'
      else if (m === '@cert-authority') marker = 'cert-authority'
      else continue
    }
    const [hosts, keyType, b64] = fields
    if (!hosts || !keyType || !b64 || !/^(ssh-|ecdsa-|sk-)/.test(keyType) || !/^[A-Za-z0-9+/]+=*$/.test(b64)) continue
    entries.push({ line: i + 1, marker, patterns: hosts.split(','), keyType, key: Buffer.from(b64, 'base64') })
  }
  return entries
}

/** The name a host has in known_hosts: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${body}$`, 'i')
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|')
  if (magic !== '1' || !salt || !hash) return false
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash
}

/** Whether an entry's host patterns name `name` (a negated pattern that matches vetoes the line). */
export function patternsMatch(patterns: readonly string[], name: string): boolean {
  let matched = false
  for (const p of patterns) {
    if (p.startsWith('|')) {
      if (hashedMatches(p, name)) matched = true
      continue
    }
    const negated = p.startsWith('!')
    if (globToRegExp(negated ? p.slice(1) : p).test(name)) {
      if (negated) return false
      matched = true
    }
  }
  return matched
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return ''
  const len = blob.readUInt32BE(0)
  return blob.subarray(4, 4 + len).toString('latin1')
}

/** What known_hosts says about `key` offered by `name`. */
export function verifyHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && patternsMatch(e.patterns, name))
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(key))
  if (revoked) return { status: 'revoked', line: revoked.line }
  const match = mine.find((e) => e.marker === undefined && e.key.equals(key))
  if (match) return { status: 'match', line: match.line }
  const sameType = mine.filter((e) => e.marker === undefined && e.keyType === keyTypeOf(key))
  return sameType.length > 0 ? { status: 'mismatch', lines: sameType.map((e) => e.line) } : { status: 'unknown' }
}

const SIGNATURE_ALGORITHMS: Record<string, string[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
}

/**
 * Host-key algorithms to offer, those of the keys known for `name` first, so
 * a host known by its RSA key is not asked for an ed25519 key first (what
 * OpenSSH's client does too). Undefined: no preference (nothing known).
 */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[], name: string): string[] | undefined {
  const types = entries.filter((e) => e.marker === undefined && patternsMatch(e.patterns, name)).map((e) => e.keyType)
  if (types.length === 0) return undefined
  return [...new Set(types.flatMap((t) => SIGNATURE_ALGORITHMS[t] ?? [t]))]
}
