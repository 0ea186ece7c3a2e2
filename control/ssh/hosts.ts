/**
 * Which machines an SSH cluster runs on: a nodes file (one host a line,
 * `name address[:port]` or just `address[:port]`; `#` comments and blank
 * lines allowed) or `--ssh-host address[:port]` given once per host.
 * A line that is not one of these is refused with its line number.
 */
import { readFileSync } from 'node:fs'
import { DstestError } from '../../core/errors.js'

export interface HostSpec {
  /** The name the user gave the host (the nodes file's first column, else its address). */
  label: string
  /** Host name or IP address to connect to. */
  host: string
  /** SSH port; undefined means the default port. */
  port: number | undefined
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/** `address`, `address:port`, `[v6]` or `[v6]:port`; throws a RangeError saying what is wrong. */
export function parseAddress(text: string): { host: string; port: number | undefined } {
  let host = text
  let portText: string | undefined
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(text)
  if (bracketed) {
    host = bracketed[1]!
    portText = bracketed[2]
  } else if (/^[^:]+:[^:]*$/.test(text)) {
    ;[host, portText] = text.split(':') as [string, string]
  } else if (text.includes(':')) {
    throw new RangeError(`'${text}': write an IPv6 address as [address] or [address]:port`)
  }
  if (!bracketed) {
    if (IPV4.test(host) && host.split('.').some((p) => Number(p) > 255)) throw new RangeError(`'${host}' is not an IPv4 address`)
    if (!HOSTNAME.test(host)) throw new RangeError(`'${host}' is not a host name or address`)
  }
  let port: number | undefined
  if (portText !== undefined) {
    port = Number(portText)
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) throw new RangeError(`'${portText}' is not a port (1-65535)`)
  }
  return { host, port }
}

/** Parses a nodes file's text; `file` names it in errors (exit 3). */
export function parseNodesFile(text: string, file: string): HostSpec[] {
  const hosts: HostSpec[] = []
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*$/, '').trim()
    if (line === '') continue
    const fields = line.split(/\s+/)
    const fail = (why: string): never => {
      throw new DstestError('E_CONFIG', `${file}:${i + 1}: ${why}`, { fix: 'write one host a line: `name address[:port]` or `address[:port]`' })
    }
    if (fields.length > 2) fail(`expected a name and an address, got ${fields.length} fields ('${line}')`)
    const [first, second] = fields as [string, string | undefined]
    if (second !== undefined && !NAME.test(first)) fail(`'${first}' is not a node name (letters, digits, '.', '_', '-')`)
    let address: { host: string; port: number | undefined }
    try {
      address = parseAddress(second ?? first)
    } catch (e) {
      return fail((e as Error).message)
    }
    const label = second === undefined ? address.host : first
    const twin = hosts.find((h) => h.label === label || (h.host === address.host && h.port === address.port))
    if (twin) fail(`'${line}' repeats ${twin.label === label ? `the name ${label}` : `the address of ${twin.label}`}`)
    hosts.push({ label, ...address })
  }
  if (hosts.length === 0) throw new DstestError('E_CONFIG', `${file} lists no hosts`, { fix: 'write one host a line: `name address[:port]`' })
  return hosts
}

export function readNodesFile(path: string): HostSpec[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new DstestError('E_NOT_FOUND', `cannot read nodes file ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      fix: 'pass an existing file to --nodes-file',
    })
  }
  return parseNodesFile(text, path)
}

/** `--ssh-host` values, each `address[:port]`. */
export function parseHostFlags(values: readonly string[]): HostSpec[] {
  return parseNodesFile(values.join('\n'), '--ssh-host')
}
