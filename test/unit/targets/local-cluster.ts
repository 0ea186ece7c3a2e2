/**
 * A one-node cluster on this machine for tests of code that drives nodes
 * through a `Remote`: commands run here as real processes (argv, no shell),
 * a detached one in its own session as both runtimes start them, and the
 * cluster's root is a temporary folder, as an SSH host's per-run folder is.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Cluster, ExecOptions, ExecResult, Remote } from '../../../control/remote.js'

export interface LocalCluster extends Cluster {
  /** Removes the root folder (stop the processes first). */
  destroy(): Promise<void>
}

function exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [cmd, ...args] = argv
  if (!cmd) throw new RangeError('exec needs a non-empty argv')
  const env = { ...process.env, ...options.env }
  if (options.detach) {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore', env, ...(options.cwd ? { cwd: options.cwd } : {}) })
    child.unref()
    return Promise.resolve({ exitCode: -1, stdout: '', stderr: '' })
  }
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env, timeout: options.timeoutMs, ...(options.cwd ? { cwd: options.cwd } : {}) })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.on('error', reject)
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }))
    child.stdin.on('error', () => undefined) // a command that reads no input may be gone before it is written
    child.stdin.end(options.stdin ?? '')
  })
}

export function localCluster(runId = 'local-test'): LocalCluster {
  const root = mkdtempSync(join(tmpdir(), 'dstest-local-node-'))
  const remote: Remote = {
    node: 'n1',
    exec,
    upload: () => Promise.reject(new Error('upload is not needed by these tests')),
    download: () => Promise.reject(new Error('download is not needed by these tests')),
  }
  return {
    runId,
    root,
    nodes: [{ name: 'n1', address: '127.0.0.1' }],
    remote: (node) => {
      if (node !== 'n1') throw new RangeError(`no node ${node}`)
      return remote
    },
    destroy: async () => rmSync(root, { recursive: true, force: true }),
  }
}
