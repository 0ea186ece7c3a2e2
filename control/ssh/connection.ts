/**
 * One SSH connection to one host (the only module that imports ssh2):
 * commands run as channels multiplexed over it, at most a few at once (sshd
 * refuses more than MaxSessions, 10 by default, per connection). A lost
 * connection is opened again by the next command; a command whose channel
 * was open when it was lost fails (it may or may not have run). Connecting,
 * and every command given a timeout, is bounded in time, and a host that
 * cannot be reached, whose key is not the known one, or that refuses the
 * login is an E_REMOTE error (exit 4) naming it.
 */
import ssh2, { type AuthenticationType, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2'
import { DstestError, EnvironmentError } from '../../core/errors.js'
import { knownHostsName, preferredHostKeyAlgorithms, verifyHostKey, type HostKeyVerdict, type KnownHostEntry } from './known-hosts.js'

export interface Credentials {
  user: string
  /** Private keys to offer, in order (already read and checked to parse). */
  keys: { file: string; key: Buffer }[]
  /** ssh-agent socket (SSH_AUTH_SOCK), offered after the keys. */
  agent?: string
}

export interface HostKeyPolicy {
  /** false: accept any host key (the explicit opt-out). */
  strict: boolean
  file: string
  entries: readonly KnownHostEntry[]
}

export interface ConnectionOptions {
  credentials: Credentials
  hostKeys: HostKeyPolicy
  /** Bound on the TCP connect + SSH handshake + login. */
  connectTimeoutMs: number
}

export interface RawResult {
  exitCode: number
  stdout: Buffer
  stderr: Buffer
}

/** Channels open at once on one connection (below sshd's default MaxSessions of 10). */
const MAX_CHANNELS = 8
// ssh2 is CommonJS: its named exports are reached through the default one.
const { Client, utils } = ssh2
type Client = InstanceType<typeof Client>

export class SshConnection {
  private client: Client | undefined
  private connecting: Promise<Client> | undefined
  private everConnected = false
  private closed = false
  private active = 0
  private readonly waiting: (() => void)[] = []
  /** Rejects every command in flight when the connection drops. */
  private readonly inFlight = new Set<(e: Error) => void>()

  /**
   * @param who how errors name the host, e.g. "n2 (10.0.0.3:22)"
   */
  constructor(
    readonly who: string,
    readonly host: string,
    readonly port: number,
    private readonly options: ConnectionOptions,
  ) {}

  /** Opens the connection now (the first command would otherwise). */
  async connect(): Promise<void> {
    await this.ensure()
  }

  /** Runs one command line (already quoted) and collects its output. */
  async run(command: string, options: { stdin?: string | Buffer; timeoutMs?: number } = {}): Promise<RawResult> {
    await this.acquire()
    try {
      const client = await this.ensure()
      return await this.runOn(client, command, options)
    } finally {
      this.release()
    }
  }

  /** Closes the connection for good; later commands fail. Idempotent. */
  close(): void {
    this.closed = true
    this.client?.end()
    this.client = undefined
  }

  private runOn(client: Client, command: string, options: { stdin?: string | Buffer; timeoutMs?: number }): Promise<RawResult> {
    return new Promise<RawResult>((resolve, reject) => {
      let channel: ClientChannel | undefined
      let timer: NodeJS.Timeout | undefined
      let settled = false
      const out: Buffer[] = []
      const err: Buffer[] = []
      let exitCode: number | undefined
      let signal: string | undefined
      const finish = (e: Error | undefined): void => {
        if (settled) return
        settled = true
        if (timer) clearTimeout(timer)
        this.inFlight.delete(onLost)
        if (e) reject(e)
        else {
          const stderr = Buffer.concat(err)
          resolve({
            exitCode: exitCode ?? (signal ? 128 : 255),
            stdout: Buffer.concat(out),
            stderr: signal ? Buffer.concat([stderr, Buffer.from(`\nkilled by SIG${signal}`)]) : stderr,
          })
        }
      }
      const onLost = (e: Error): void => finish(e)
      this.inFlight.add(onLost)
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          try {
            channel?.signal('KILL')
          } catch {
            // The server may not support signals; closing the channel is what counts.
          }
          channel?.close()
          finish(new EnvironmentError('E_REMOTE', `${this.who}: \`${abbreviate(command)}\` did not finish in ${options.timeoutMs} ms`, 'the host may be overloaded or unreachable; check it'))
        }, options.timeoutMs)
      }
      client.exec(command, (e, stream) => {
        if (e) {
          finish(new EnvironmentError('E_REMOTE', `${this.who}: cannot open an SSH channel: ${e.message}`, 'check sshd on the host (MaxSessions) and the connection'))
          return
        }
        channel = stream
        if (settled) {
          stream.close()
          return
        }
        stream.on('data', (c: Buffer) => out.push(c))
        stream.stderr.on('data', (c: Buffer) => err.push(c))
        stream.on('exit', (code: number | null, sig?: string) => {
          if (typeof code === 'number') exitCode = code
          if (sig) signal = sig
        })
        stream.on('close', () => finish(undefined))
        stream.on('error', (x: Error) => finish(new EnvironmentError('E_REMOTE', `${this.who}: ${x.message}`, 'check the connection to the host')))
        stream.end(options.stdin === undefined ? undefined : options.stdin)
      })
    })
  }

  private async acquire(): Promise<void> {
    if (this.active < MAX_CHANNELS) {
      this.active++
      return
    }
    await new Promise<void>((r) => this.waiting.push(r))
  }

  private release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.active--
  }

  private ensure(): Promise<Client> {
    if (this.closed) return Promise.reject(new EnvironmentError('E_REMOTE', `${this.who}: the connection was closed`, 'this is a bug in dstest'))
    if (this.client) return Promise.resolve(this.client)
    this.connecting ??= this.connectWithRetries().finally(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  /** A first connection is tried once; a lost one is tried again a few times within the connect timeout. */
  private async connectWithRetries(): Promise<Client> {
    const deadline = Date.now() + this.options.connectTimeoutMs
    for (let attempt = 0; ; attempt++) {
      try {
        const client = await this.open(Math.max(1000, deadline - Date.now()))
        this.everConnected = true
        return client
      } catch (e) {
        const retry = this.everConnected && e instanceof EnvironmentError && /cannot be reached|closed the connection/.test(e.message)
        if (!retry || Date.now() + 200 * 2 ** attempt > deadline) throw e
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt))
      }
    }
  }

  private open(timeoutMs: number): Promise<Client> {
    const { credentials, hostKeys } = this.options
    const name = knownHostsName(this.host, this.port)
    let verdict: HostKeyVerdict | undefined
    const client = new Client()
    const algorithms = hostKeys.strict ? preferredHostKeyAlgorithms(hostKeys.entries, name) : undefined
    const auth: ConnectConfig['authHandler'] = [
      ...credentials.keys.map((k) => ({ type: 'publickey' as const, username: credentials.user, key: k.key })),
      ...(credentials.agent ? [{ type: 'agent' as AuthenticationType, username: credentials.user, agent: credentials.agent }] : []),
    ] as ConnectConfig['authHandler']
    const config: ConnectConfig = {
      host: this.host,
      port: this.port,
      username: credentials.user,
      readyTimeout: timeoutMs,
      keepaliveInterval: 5000,
      keepaliveCountMax: 3,
      authHandler: auth,
      ...(algorithms ? { algorithms: { serverHostKey: { prepend: algorithms as ServerHostKeyAlgorithm[], append: [], remove: [] } } } : {}),
      hostVerifier: (key: Buffer) => {
        if (!hostKeys.strict) return true
        verdict = verifyHostKey(hostKeys.entries, name, key)
        return verdict.status === 'match'
      },
    }
    return new Promise<Client>((resolve, reject) => {
      let ready = false
      client.on('ready', () => {
        ready = true
        this.client = client
        resolve(client)
      })
      client.on('error', (e: Error & { level?: string; code?: string }) => {
        if (!ready) reject(this.explain(e, verdict))
      })
      client.on('close', () => {
        if (!ready) {
          reject(new EnvironmentError('E_REMOTE', `${this.who} closed the connection during login`, 'check sshd on the host and its logs'))
          return
        }
        if (this.client === client) this.client = undefined
        const lost = new EnvironmentError('E_REMOTE', `${this.who}: the SSH connection was lost`, 'check the host and the network to it')
        for (const fail of [...this.inFlight]) fail(lost)
      })
      client.connect(config)
    })
  }

  private explain(e: Error & { level?: string; code?: string }, verdict: HostKeyVerdict | undefined): EnvironmentError {
    const { credentials, hostKeys } = this.options
    if (verdict && verdict.status !== 'match') {
      const fix = `check the host's key fingerprint, then add it to ${hostKeys.file} (e.g. ssh-keyscan -p ${this.port} ${this.host} >> ${hostKeys.file}), or pass --no-ssh-strict-host-key-checking to accept any key`
      if (verdict.status === 'unknown') return new EnvironmentError('E_REMOTE', `${this.who}: its host key is not in ${hostKeys.file}`, fix, e)
      if (verdict.status === 'revoked') return new EnvironmentError('E_REMOTE', `${this.who}: its host key is marked @revoked in ${hostKeys.file}:${verdict.line}`, 'the host must get a new key', e)
      return new EnvironmentError(
        'E_REMOTE',
        `${this.who}: its host key does NOT match ${hostKeys.file}:${verdict.lines.join(',')} (someone may be intercepting the connection, or the host was reinstalled)`,
        `if the host really changed, remove the old line (ssh-keygen -R ${knownHostsName(this.host, this.port)} -f ${hostKeys.file})`,
        e,
      )
    }
    if (e.level === 'client-authentication') {
      const offered = [...credentials.keys.map((k) => k.file), ...(credentials.agent ? ['the ssh-agent'] : [])].join(', ') || 'nothing'
      return new EnvironmentError(
        'E_REMOTE',
        `${this.who} refused the login of ${credentials.user} (offered: ${offered})`,
        `add the public key to ~${credentials.user}/.ssh/authorized_keys on the host, or pass --ssh-user / --ssh-key`,
        e,
      )
    }
    if (e.level === 'client-timeout') {
      return new EnvironmentError('E_REMOTE', `${this.who} did not complete the SSH login in ${this.options.connectTimeoutMs} ms`, 'check that sshd runs there and the network reaches it', e)
    }
    return new EnvironmentError('E_REMOTE', `${this.who} cannot be reached: ${e.code ?? e.message}`, 'check the address and port, that sshd runs there, and the network', e)
  }
}

function abbreviate(command: string): string {
  return command.length > 120 ? `${command.slice(0, 117)}...` : command
}

/** Reads a private key for --ssh-key: parsed now so a bad or encrypted key is refused before the run. */
export function parsePrivateKey(file: string, data: Buffer): Buffer {
  const parsed = utils.parseKey(data)
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message)
    throw new DstestError('E_USAGE', `cannot use the SSH key ${file}: ${parsed.message}`, {
      fix: encrypted ? 'load it into ssh-agent (ssh-add) and leave --ssh-key out' : 'pass an OpenSSH or PEM private key',
    })
  }
  return data
}
