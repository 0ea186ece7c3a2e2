/** Runtime names → runtimes. Docker and SSH are loaded only when asked for. */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { DstestError, UnknownNameError, UsageError } from '../core/errors.js'
import type { Runtime } from '../control/remote.js'
import { memoryRuntime } from '../control/memory/runtime.js'
import { RUNTIMES, type TestSpec } from '../core/spec.js'
import { parseNemesisKinds } from '../nemesis/index.js'

export interface RuntimeChoice {
  /** The target's image layer: what to install on every node. */
  layer?: import('../control/image/layer.js').ImageLayer | undefined
  /** The run's spec: the SSH runtime reads its hosts and login from it, and the faults it must provide. */
  spec?: TestSpec | undefined
  /** A line now and then while a node image is built (a package image takes about a minute). */
  progress?: ((message: string) => void) | undefined
}

/** The spec's SSH settings (also what `dstest cleanup --runtime ssh` takes). */
export type SshSettings = Pick<TestSpec, 'nodesFile' | 'sshHost' | 'sshUser' | 'sshKey' | 'sshPort' | 'knownHosts' | 'sshStrictHostKeyChecking' | 'sshRealClock'>

export async function resolveRuntime(name: string, choice: RuntimeChoice = {}): Promise<Runtime> {
  switch (name) {
    case 'memory':
      return memoryRuntime()
    case 'docker': {
      const { DockerRuntime } = await import('../control/docker/runtime.js')
      return new DockerRuntime({ ...(choice.layer ? { layer: choice.layer } : {}), ...(choice.progress ? { progress: choice.progress } : {}) })
    }
    case 'ssh': {
      if (!choice.spec) throw new UsageError('the ssh runtime needs its hosts', 'pass --nodes-file FILE or --ssh-host ADDRESS')
      return sshRuntime(choice.spec, sshRequirements(choice.spec, choice.layer !== undefined), choice.layer)
    }
    default:
      throw new UnknownNameError('runtime', name, RUNTIMES)
  }
}

/** What the run's faults (and a target that ships JavaScript) need from every host. */
export function sshRequirements(spec: Pick<TestSpec, 'nemesis' | 'sshRealClock'>, hasLayer: boolean): import('../control/ssh/probe.js').Requirements {
  const kinds = new Set<string>(parseNemesisKinds(spec.nemesis))
  const network = kinds.has('partition') || kinds.has('packet') || kinds.has('skewed-leader')
  const clock = kinds.has('clock') || kinds.has('skewed-leader')
  return {
    ...(network ? { iptables: true } : {}),
    ...(clock ? (spec.sshRealClock ? { realClock: true } : { faketime: true }) : {}),
    // A layer holds what the Docker base image runs: JavaScript for its node (the bundled targets).
    ...(hasLayer ? { nodeMajor: 20 } : {}),
  }
}

/** The SSH runtime for these settings; bad settings are refused here, before anything connects (exit 3). */
export async function sshRuntime(
  settings: SshSettings,
  requirements: import('../control/ssh/probe.js').Requirements = {},
  layer?: import('../control/image/layer.js').ImageLayer,
): Promise<Runtime> {
  const { readNodesFile, parseHostFlags } = await import('../control/ssh/hosts.js')
  const { parseKnownHosts } = await import('../control/ssh/known-hosts.js')
  const { parsePrivateKey } = await import('../control/ssh/connection.js')
  const { SshRuntime } = await import('../control/ssh/runtime.js')
  if (settings.nodesFile !== undefined && settings.sshHost !== undefined) {
    throw new UsageError('--nodes-file and --ssh-host both name the hosts', 'pass one of them')
  }
  const hosts =
    settings.nodesFile !== undefined
      ? readNodesFile(settings.nodesFile)
      : settings.sshHost !== undefined && settings.sshHost.length > 0
        ? parseHostFlags(settings.sshHost)
        : undefined
  if (!hosts) throw new UsageError('the ssh runtime needs its hosts', 'pass --nodes-file FILE (one `name address[:port]` a line) or --ssh-host ADDRESS once per node')

  const ssh = join(homedir(), '.ssh')
  let keys: { file: string; key: Buffer }[]
  if (settings.sshKey !== undefined) {
    keys = [{ file: settings.sshKey, key: parsePrivateKey(settings.sshKey, readInput(settings.sshKey, '--ssh-key')) }]
  } else {
    keys = []
    for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
      const file = join(ssh, name)
      if (!existsSync(file)) continue
      try {
        keys.push({ file, key: parsePrivateKey(file, readFileSync(file)) })
      } catch {
        // An encrypted default key is left to the agent, as ssh does without a passphrase.
      }
    }
  }
  const agent = process.env.SSH_AUTH_SOCK || undefined
  if (keys.length === 0 && !agent) {
    throw new UsageError('no SSH key to log in with (no --ssh-key, no ~/.ssh/id_ed25519, id_ecdsa or id_rsa, no SSH_AUTH_SOCK)', 'pass --ssh-key FILE or start ssh-agent')
  }
  const strict = settings.sshStrictHostKeyChecking
  const knownHostsFile = settings.knownHosts ?? join(ssh, 'known_hosts')
  const entries = strict ? parseKnownHosts(readInput(knownHostsFile, '--known-hosts', 'or pass --no-ssh-strict-host-key-checking to accept any host key').toString('utf8')) : []
  return new SshRuntime({
    hosts,
    defaultPort: settings.sshPort ?? 22,
    connection: {
      credentials: { user: settings.sshUser ?? 'root', keys, ...(agent ? { agent } : {}) },
      hostKeys: { strict, file: knownHostsFile, entries },
      connectTimeoutMs: 15_000,
    },
    requirements,
    realClock: settings.sshRealClock,
    layer,
  })
}

function readInput(path: string, flag: string, orElse = ''): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new DstestError('E_NOT_FOUND', `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      fix: `pass an existing file to ${flag}${orElse ? ` ${orElse}` : ''}`,
    })
  }
}
