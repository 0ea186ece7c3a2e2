/**
 * The Docker engine, as dstest uses it: the one module that imports dockerode.
 * Everything else in control/docker/ speaks to the engine through `Engine`,
 * whose methods take and return plain data, so the rest of the code never
 * sees a dockerode type and a different client could replace it here alone.
 */
import Dockerode from 'dockerode'
import type { Readable } from 'node:stream'
import { EnvironmentError } from '../../core/errors.js'

/** The engine's socket: DOCKER_HOST=unix:///path when set (as the docker CLI does), else the usual one. */
export const DEFAULT_SOCKET = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : '/var/run/docker.sock'
/** Every container, network and image dstest creates carries this label. */
export const RUN_LABEL = 'dstest.run'
export const NODE_LABEL = 'dstest.node'
export const IMAGE_LABEL = 'dstest.image'

export interface EngineVersion {
  version: string
  apiVersion: string
  os: string
  kernel: string
}

export interface ContainerSpec {
  name: string
  image: string
  hostname: string
  cmd: string[]
  labels: Record<string, string>
  network: string
  ipv4: string
  aliases: string[]
  binds: string[]
  capAdd?: string[]
  env?: string[]
}

export interface ContainerState {
  id: string
  name: string
  running: boolean
  paused: boolean
  /** Host PID of the container's main process (0 when stopped). */
  pid: number
  labels: Record<string, string>
}

export interface ExecSpec {
  argv: readonly string[]
  env?: string[]
  cwd?: string
  stdin?: Buffer
  detach?: boolean
}

export interface ExecHandle {
  /** Resolves when the command ends with its output; rejects on transport errors. */
  done: Promise<{ exitCode: number; stdout: Buffer; stderr: Buffer }>
  /** Best effort: kill the command (from the host) and stop reading. */
  abort(): Promise<void>
}

export interface ImageSummary {
  id: string
  tags: string[]
  labels: Record<string, string>
  sizeBytes: number
  created: Date
}

export interface NetworkSummary {
  id: string
  name: string
  subnets: string[]
  labels: Record<string, string>
}

export function engineUnreachable(socketPath: string, cause?: unknown): EnvironmentError {
  return new EnvironmentError(
    'E_ENGINE',
    `no Docker engine at ${socketPath}`,
    'start one with `dockerd` (or pass --runtime ssh)',
    cause,
  )
}

function engineFailed(what: string, cause: unknown): EnvironmentError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new EnvironmentError('E_ENGINE', `Docker engine failed to ${what}: ${detail.trim()}`, 'see `dstest doctor` and the engine log', cause)
}

function statusOf(e: unknown): number | undefined {
  const code = (e as { statusCode?: unknown } | null)?.statusCode
  return typeof code === 'number' ? code : undefined
}

/** Reads a stream to its end. */
async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  }
  return Buffer.concat(chunks)
}

/**
 * Reads the JSON-lines progress stream of build/import and throws on an
 * `error` line (the engine answers 200 and reports failures in the stream).
 */
async function followProgress(stream: NodeJS.ReadableStream, what: string): Promise<string[]> {
  const text = (await drain(stream)).toString('utf8')
  const lines: string[] = []
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue
    let msg: { stream?: string; status?: string; error?: string; errorDetail?: { message?: string } }
    try {
      msg = JSON.parse(line) as typeof msg
    } catch {
      lines.push(line)
      continue
    }
    if (msg.error) throw engineFailed(what, new Error(msg.errorDetail?.message ?? msg.error))
    if (msg.stream) lines.push(msg.stream.trimEnd())
    if (msg.status) lines.push(msg.status)
  }
  return lines
}

/**
 * Splits Docker's multiplexed exec stream: frames of an 8-byte header
 * (stream id, 3 zero bytes, big-endian length) and a payload.
 */
export function demultiplex(data: Buffer): { stdout: Buffer; stderr: Buffer } {
  const out: Buffer[] = []
  const err: Buffer[] = []
  let at = 0
  while (at + 8 <= data.length) {
    const kind = data[at]
    const size = data.readUInt32BE(at + 4)
    const payload = data.subarray(at + 8, at + 8 + size)
    if (kind === 2) err.push(payload)
    else out.push(payload)
    at += 8 + size
  }
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err) }
}

export class Engine {
  private readonly docker: Dockerode
  readonly socketPath: string

  private constructor(socketPath: string) {
    this.socketPath = socketPath
    this.docker = new Dockerode({ socketPath })
  }

  /** Connects and pings; an absent engine is E_ENGINE (exit 4). */
  static async connect(socketPath: string = DEFAULT_SOCKET): Promise<Engine> {
    const engine = new Engine(socketPath)
    try {
      await withTimeout(engine.docker.ping(), 5000)
    } catch (e) {
      throw engineUnreachable(socketPath, e)
    }
    return engine
  }

  async version(): Promise<EngineVersion> {
    const v = await this.call('report its version', () => this.docker.version())
    return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, kernel: v.KernelVersion }
  }

  /** The engine's data root (where images and containers live), for the disk check. */
  async dataRoot(): Promise<string> {
    const info = (await this.call('report its info', () => this.docker.info())) as { DockerRootDir?: string }
    return info.DockerRootDir ?? '/var/lib/docker'
  }

  // ---- images ----

  async listImages(label: string): Promise<ImageSummary[]> {
    const images = await this.call('list images', () => this.docker.listImages({ filters: { label: [label] } }))
    return images.map((i) => ({
      id: i.Id,
      tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
      labels: i.Labels ?? {},
      sizeBytes: i.Size,
      created: new Date(i.Created * 1000),
    }))
  }

  async hasImage(tag: string): Promise<boolean> {
    try {
      await this.docker.getImage(tag).inspect()
      return true
    } catch (e) {
      if (statusOf(e) === 404) return false
      throw engineFailed(`inspect image ${tag}`, e)
    }
  }

  /** `docker import`: a root filesystem tarball becomes an image. */
  async importImage(tar: Readable, tag: string, changes: string[]): Promise<void> {
    const [repo, version] = splitTag(tag)
    const stream = await this.call('import an image', () =>
      this.docker.importImage(tar, { repo, tag: version, changes } as unknown as object),
    )
    await followProgress(stream, 'import an image')
  }

  /** `docker build` with a tar context (legacy builder; no BuildKit needed). */
  async buildImage(context: Readable, tag: string, labels: Record<string, string>): Promise<string[]> {
    const stream = await this.call('build an image', () =>
      this.docker.buildImage(context, { t: tag, labels, rm: true, forcerm: true }),
    )
    return followProgress(stream, `build ${tag}`)
  }

  /** Gives an image (by id or tag) one more tag. */
  async tagImage(idOrTag: string, tag: string): Promise<void> {
    const [repo, version] = splitTag(tag)
    await this.call(`tag image ${idOrTag} as ${tag}`, () => this.docker.getImage(idOrTag).tag({ repo, tag: version }))
  }

  async removeImage(idOrTag: string): Promise<void> {
    try {
      await this.docker.getImage(idOrTag).remove({ force: true })
    } catch (e) {
      if (statusOf(e) !== 404) throw engineFailed(`remove image ${idOrTag}`, e)
    }
  }

  // ---- networks ----

  async listNetworks(label?: string): Promise<NetworkSummary[]> {
    const nets = await this.call('list networks', () =>
      this.docker.listNetworks(label ? { filters: { label: [label] } } : {}),
    )
    return nets.map((n) => ({
      id: n.Id,
      name: n.Name,
      subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => typeof s === 'string'),
      labels: n.Labels ?? {},
    }))
  }

  /** Creates a bridge network; resolves false when the subnet overlaps another (try the next). */
  async createNetwork(name: string, subnet: string, gateway: string, labels: Record<string, string>): Promise<boolean> {
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: labels,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
      })
      return true
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      if (/overlap|already exists|in use/i.test(message)) return false
      throw engineFailed(`create network ${name}`, e)
    }
  }

  async removeNetwork(idOrName: string): Promise<void> {
    try {
      await this.docker.getNetwork(idOrName).remove()
    } catch (e) {
      if (statusOf(e) !== 404) throw engineFailed(`remove network ${idOrName}`, e)
    }
  }

  // ---- containers ----

  async createContainer(spec: ContainerSpec): Promise<string> {
    const container = await this.call(`create container ${spec.name}`, () =>
      this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Hostname: spec.hostname,
        Cmd: spec.cmd,
        Env: spec.env,
        Labels: spec.labels,
        HostConfig: {
          Init: true,
          NetworkMode: spec.network,
          Binds: spec.binds,
          CapAdd: spec.capAdd,
        },
        NetworkingConfig: {
          EndpointsConfig: {
            [spec.network]: { IPAMConfig: { IPv4Address: spec.ipv4 }, Aliases: spec.aliases },
          },
        },
      }),
    )
    return container.id
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start()
    } catch (e) {
      if (statusOf(e) !== 304) throw engineFailed(`start container ${id}`, e)
    }
  }

  async killContainer(id: string, signal = 'KILL'): Promise<void> {
    try {
      await this.docker.getContainer(id).kill({ signal })
    } catch (e) {
      // 409: not running (already killed) — killing twice is not an error.
      if (statusOf(e) !== 409) throw engineFailed(`kill container ${id}`, e)
    }
  }

  async pauseContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).pause()
    } catch (e) {
      if (!/already paused/i.test(String(e))) throw engineFailed(`pause container ${id}`, e)
    }
  }

  async unpauseContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).unpause()
    } catch (e) {
      if (!/not paused/i.test(String(e))) throw engineFailed(`unpause container ${id}`, e)
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true })
    } catch (e) {
      const status = statusOf(e)
      // 404: gone; 409: removal already in progress.
      if (status !== 404 && status !== 409) throw engineFailed(`remove container ${id}`, e)
    }
  }

  async inspectContainer(id: string): Promise<ContainerState> {
    const info = await this.call(`inspect container ${id}`, () => this.docker.getContainer(id).inspect())
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      running: info.State.Running,
      paused: info.State.Paused,
      pid: info.State.Pid,
      labels: info.Config.Labels ?? {},
    }
  }

  async listContainers(label: string): Promise<{ id: string; name: string; labels: Record<string, string> }[]> {
    const list = await this.call('list containers', () =>
      this.docker.listContainers({ all: true, filters: { label: [label] } }),
    )
    return list.map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), labels: c.Labels ?? {} }))
  }

  /** Runs argv in a container; stdout and stderr demultiplexed. */
  async exec(containerId: string, spec: ExecSpec): Promise<ExecHandle> {
    const container = this.docker.getContainer(containerId)
    const exec = await this.call(`exec in ${containerId}`, () =>
      container.exec({
        Cmd: [...spec.argv],
        Env: spec.env,
        WorkingDir: spec.cwd,
        AttachStdin: spec.stdin !== undefined && !spec.detach,
        AttachStdout: !spec.detach,
        AttachStderr: !spec.detach,
        Tty: false,
      }),
    )
    const abort = async (): Promise<void> => {
      try {
        const info = await exec.inspect()
        if (info.Running && info.Pid > 0) process.kill(info.Pid, 'SIGKILL')
      } catch {
        // Already gone, or we are not on the engine's host: nothing more we can do.
      }
    }
    if (spec.detach) {
      // The engine answers a detached start with an empty body; read it to the end,
      // or its socket stays open and keeps the process alive.
      const res = (await this.call(`exec in ${containerId}`, () => exec.start({ Detach: true }))) as unknown
      if (res && typeof (res as NodeJS.ReadableStream).on === 'function') await drain(res as NodeJS.ReadableStream)
      return { done: Promise.resolve({ exitCode: -1, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) }), abort }
    }
    const stream = await this.call(`exec in ${containerId}`, () =>
      exec.start({ hijack: true, stdin: spec.stdin !== undefined }),
    )
    if (spec.stdin !== undefined) stream.end(spec.stdin)
    const done = (async () => {
      const raw = await drain(stream)
      const { stdout, stderr } = demultiplex(raw)
      const info = await exec.inspect()
      return { exitCode: info.ExitCode ?? -1, stdout, stderr }
    })()
    return {
      done,
      abort: async () => {
        await abort()
        stream.destroy()
      },
    }
  }

  /** Extracts a tar archive into `dir` (which must exist) in the container. */
  async putArchive(containerId: string, dir: string, tar: Buffer): Promise<void> {
    await this.call(`upload to ${containerId}:${dir}`, async () => {
      const res = await this.docker.getContainer(containerId).putArchive(tar, { path: dir })
      if (res && typeof (res as NodeJS.ReadableStream).on === 'function') await drain(res as NodeJS.ReadableStream)
    })
  }

  /** A tar archive of `path` in the container (its last component at the archive root). */
  async getArchive(containerId: string, path: string): Promise<Buffer> {
    const stream = await this.call(`download ${containerId}:${path}`, () =>
      this.docker.getContainer(containerId).getArchive({ path }),
    )
    return drain(stream)
  }

  /** Wraps an engine call: a lost socket becomes E_ENGINE with a fix. */
  private async call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f()
    } catch (e) {
      if (e instanceof EnvironmentError) throw e
      const code = (e as { code?: unknown } | null)?.code
      if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') throw engineUnreachable(this.socketPath, e)
      throw engineFailed(what, e)
    }
  }
}

function splitTag(tag: string): [string, string] {
  const at = tag.lastIndexOf(':')
  if (at <= tag.lastIndexOf('/')) return [tag, 'latest']
  return [tag.slice(0, at), tag.slice(at + 1)]
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)
      }),
    ])
  } finally {
    if (timer) clearTimeout(timer)
  }
}
