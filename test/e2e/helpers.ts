import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
export const BIN = join(ROOT, 'dist/cli/main.js')

export function requireBuild(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`)
}

export interface Result {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI to completion. */
export function dstest(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    // A CLI stuck in a synchronous loop never runs its SIGTERM handler: a timeout must end it for sure.
    killSignal: 'SIGKILL',
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Starts the built CLI and returns the child, for signal tests. */
export function dstestSpawn(args: string[], cwd = ROOT) {
  return spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
}

export function tempDir(prefix = 'dstest-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}
