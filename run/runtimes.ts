/** Runtime names → runtimes. Docker and SSH are loaded only when asked for. */
import { DstestError, UnknownNameError } from '../core/errors.js'
import type { Runtime } from '../control/remote.js'
import { memoryRuntime } from '../control/memory/runtime.js'
import { RUNTIMES } from '../core/spec.js'

export interface RuntimeChoice {
  /** The target's image layer (Docker): what to install on every node. */
  layer?: import('../control/docker/image.js').ImageLayer | undefined
}

export async function resolveRuntime(name: string, choice: RuntimeChoice = {}): Promise<Runtime> {
  switch (name) {
    case 'memory':
      return memoryRuntime()
    case 'docker': {
      const { DockerRuntime } = await import('../control/docker/runtime.js')
      return new DockerRuntime(choice.layer ? { layer: choice.layer } : {})
    }
    case 'ssh':
      throw new DstestError('E_UNSUPPORTED', 'the SSH runtime is not built yet', { fix: 'use --runtime docker' })
    default:
      throw new UnknownNameError('runtime', name, RUNTIMES)
  }
}
