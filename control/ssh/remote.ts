/**
 * One SSH host as a `Remote`: argv quoted by shellQuote, environment passed in
 * the argv (through `env`), files through tar streams over the channel.
 * A detached command is started in its own session (setsid) with its output
 * appended to the run's detached.log, so it outlives the channel; its pid is
 * recorded under the run's folder and it carries DSTEST_RUN=<run id>, which
 * is how cleanup finds it again and knows it is still this run's process.
 */
import { posix } from 'node:path'
import { EnvironmentError } from '../../core/errors.js'
import { extractTar, localEntries, tarStream, type TarEntry, type TarFileSource } from '../docker/tar.js'
import type { ExecOptions, ExecResult, Remote } from '../remote.js'
import type { RawResult, SshConnection } from './connection.js'
import { shellCommand, withEnv } from './quote.js'
import { RUN_ENV, marks } from './run-marks.js'

/** Starts "$@" detached: own session, no terminal, output to the log; prints nothing, records the pid. */
const DETACH = 'log=$1; pids=$2; shift 2; setsid "$@" </dev/null >>"$log" 2>&1 & echo "$!" > "$pids/$!"'

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of chunks) parts.push(c)
  return Buffer.concat(parts)
}

export class SshRemote implements Remote {
  constructor(
    readonly node: string,
    private readonly connection: SshConnection,
    private readonly run: { runId: string; root: string },
  ) {}

  /** The command line for argv with these options (exported for tests through `commandLine`). */
  commandLine(argv: readonly string[], options: ExecOptions = {}): string {
    if (argv.length === 0) throw new RangeError('exec needs a non-empty argv')
    const cd = options.cwd === undefined ? '' : `cd ${shellCommand([options.cwd])} && `
    if (!options.detach) return cd + shellCommand(withEnv(options.env, argv))
    const m = marks(this.run.root)
    const env = { ...options.env, [RUN_ENV]: this.run.runId }
    return cd + shellCommand(['sh', '-c', DETACH, 'dstest-detach', m.detachedLog, m.pids, ...withEnv(env, argv)])
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.raw(this.commandLine(argv, options), { stdin: options.stdin, timeoutMs: options.timeoutMs ?? (options.detach ? 30_000 : undefined) })
    if (options.detach) {
      if (r.exitCode !== 0) {
        throw new EnvironmentError('E_REMOTE', `${this.node}: could not start \`${argv.join(' ')}\`: ${r.stderr.toString('utf8').trim() || `exit ${r.exitCode}`}`, 'check the command on the host')
      }
      return { exitCode: -1, stdout: '', stderr: '' }
    }
    return { exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') }
  }

  raw(command: string, options: { stdin?: string | Buffer | undefined; timeoutMs?: number | undefined } = {}): Promise<RawResult> {
    return this.connection.run(command, {
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    })
  }

  async upload(localPath: string, remotePath: string): Promise<void> {
    if (!posix.isAbsolute(remotePath)) throw new RangeError(`upload needs an absolute remote path, got ${remotePath}`)
    let entries: (TarEntry | TarFileSource)[]
    try {
      entries = await localEntries(localPath, posix.basename(remotePath))
    } catch (e) {
      throw new EnvironmentError('E_REMOTE', `cannot read ${localPath} to upload it`, 'check the local path', e)
    }
    await this.untar(posix.dirname(remotePath), await collect(tarStream(entries)))
  }

  /** Unpacks an archive into `dir` on the host (created if missing). */
  async untar(dir: string, archive: Buffer): Promise<void> {
    const r = await this.raw(shellCommand(['sh', '-c', 'mkdir -p -- "$1" && exec tar -x -m -f - -C "$1"', 'dstest-untar', dir]), { stdin: archive, timeoutMs: 120_000 })
    if (r.exitCode !== 0) {
      throw new EnvironmentError('E_REMOTE', `${this.node}: cannot unpack files into ${dir}: ${r.stderr.toString('utf8').trim()}`, 'check the path and the disk on the host')
    }
  }

  async download(remotePath: string, localDir: string): Promise<void> {
    const r = await this.raw(shellCommand(['tar', '-c', '-f', '-', '-C', posix.dirname(remotePath), posix.basename(remotePath)]), { timeoutMs: 120_000 })
    if (r.exitCode !== 0) {
      throw new EnvironmentError('E_REMOTE', `${this.node}: cannot read ${remotePath}: ${r.stderr.toString('utf8').trim().split('\n')[0] ?? ''}`, 'check that the file exists on the host')
    }
    await extractTar(r.stdout, localDir)
  }

  /** Writes `content` to `path` on the host atomically (a temporary file renamed over it). */
  async writeFileAtomic(path: string, content: string): Promise<void> {
    const r = await this.raw(shellCommand(['sh', '-c', 'cat > "$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"', 'dstest-write', path]), { stdin: content, timeoutMs: 15_000 })
    if (r.exitCode !== 0) throw new EnvironmentError('E_REMOTE', `${this.node}: cannot write ${path}: ${r.stderr.toString('utf8').trim()}`, 'check the run folder on the host')
  }
}
