/**
 * One container as a `Remote`: exec through the engine (argv only, stdout and
 * stderr demultiplexed), files through the engine's archive API.
 */
import { posix } from 'node:path'
import { EnvironmentError } from '../../core/errors.js'
import type { ExecOptions, ExecResult, Remote } from '../remote.js'
import type { Engine } from './engine.js'
import { extractTar, localEntries, tarStream, type TarEntry, type TarFileSource } from './tar.js'

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of chunks) parts.push(c)
  return Buffer.concat(parts)
}

export class DockerRemote implements Remote {
  constructor(
    readonly node: string,
    private readonly engine: Engine,
    private readonly containerId: string,
  ) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new RangeError('exec needs a non-empty argv')
    const env = options.env ? Object.entries(options.env).map(([k, v]) => `${k}=${v}`) : undefined
    const stdin = options.stdin === undefined ? undefined : Buffer.from(options.stdin)
    const handle = await this.engine.exec(this.containerId, { argv, env, cwd: options.cwd, stdin, detach: options.detach })
    let timer: NodeJS.Timeout | undefined
    try {
      const result = await Promise.race([
        handle.done,
        new Promise<never>((_, reject) => {
          if (options.timeoutMs === undefined) return
          timer = setTimeout(() => {
            void handle.abort()
            reject(
              new EnvironmentError(
                'E_REMOTE',
                `${this.node}: \`${argv.join(' ')}\` did not finish in ${options.timeoutMs} ms`,
                'the node may be paused or overloaded; raise the timeout or check the node',
              ),
            )
          }, options.timeoutMs)
        }),
      ])
      return { exitCode: result.exitCode, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') }
    } finally {
      if (timer) clearTimeout(timer)
    }
  }

  async upload(localPath: string, remotePath: string): Promise<void> {
    if (!posix.isAbsolute(remotePath)) throw new RangeError(`upload needs an absolute remote path, got ${remotePath}`)
    const dir = posix.dirname(remotePath)
    const made = await this.exec(['mkdir', '-p', dir])
    if (made.exitCode !== 0) {
      throw new EnvironmentError('E_REMOTE', `${this.node}: cannot create ${dir}: ${made.stderr.trim()}`, 'check the path and the disk on the node')
    }
    let entries: (TarEntry | TarFileSource)[]
    try {
      entries = await localEntries(localPath, posix.basename(remotePath))
    } catch (e) {
      throw new EnvironmentError('E_REMOTE', `cannot read ${localPath} to upload it`, 'check the local path', e)
    }
    await this.engine.putArchive(this.containerId, dir, await collect(tarStream(entries)))
  }

  async download(remotePath: string, localDir: string): Promise<void> {
    await extractTar(await this.engine.getArchive(this.containerId, remotePath), localDir)
  }
}
