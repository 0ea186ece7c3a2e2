/**
 * The in-process runtime: a "cluster" of named nodes with no machines behind
 * them, for targets that run inside the dstest process (the memory target).
 * It has no Remote: nothing can be executed on its nodes.
 */
import { DstestError } from '../../core/errors.js'
import type { Cluster, ClusterSpec, Remote, Runtime } from '../remote.js'

export function memoryRuntime(): Runtime {
  return {
    name: 'memory',
    async createCluster(spec: ClusterSpec): Promise<Cluster> {
      const nodes = Array.from({ length: spec.nodes }, (_, i) => ({ name: `n${i + 1}`, address: `memory:n${i + 1}` }))
      return {
        runId: spec.runId,
        nodes,
        root: '/',
        remote(node: string): Remote {
          throw new DstestError('E_UNSUPPORTED', `node ${node} is in-process: the memory runtime cannot run commands on it`, {
            fix: 'use --runtime docker for targets and faults that need real nodes',
          })
        },
        async destroy() {},
      }
    },
    async cleanup() {
      return { removed: [], kept: [] }
    },
  }
}
