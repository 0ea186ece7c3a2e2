/**
 * Loading a user's module by path (`--target ./my-target.ts`, a workload a
 * target names by path): JavaScript or TypeScript, its `dstest` imports bound
 * to this dstest (./module-hooks.ts). A module that cannot be found or
 * loaded is bad input (exit 3) with Node's reason in one line.
 */
import { existsSync, statSync } from 'node:fs'
import { register } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DstestError } from '../core/errors.js'

let hooks: 'registered' | 'not-needed' | undefined

/**
 * Registers ./module-hooks.js once. From the build they are there; from
 * source (vitest) they are not, and need not be: the test runner transpiles
 * TypeScript and maps 'dstest' itself.
 */
function ensureHooks(): void {
  if (hooks !== undefined) return
  const url = new URL('./module-hooks.js', import.meta.url)
  if (existsSync(fileURLToPath(url))) {
    register(url)
    // Stack traces from a transpiled module then name its .ts lines.
    process.setSourceMapsEnabled(true)
    hooks = 'registered'
  } else {
    hooks = 'not-needed'
  }
}

/** Whether a --target / --workload value names a file rather than a bundled name. */
export function looksLikePath(name: string): boolean {
  return name.startsWith('.') || name.startsWith('/') || name.startsWith('file:') || /\.(m?js|m?ts)$/.test(name)
}

/** Imports the module at the absolute path `abs` (`given` is what the user wrote, for messages). */
export async function importUserModule(abs: string, given: string, kind: string): Promise<Record<string, unknown>> {
  if (!existsSync(abs)) {
    throw new DstestError('E_NOT_FOUND', `no ${kind} module at ${given}`, { fix: `pass the path of a .js, .mjs, .ts or .mts file that exports a ${kind}` })
  }
  if (!statSync(abs).isFile()) throw new DstestError('E_USAGE', `${given} is not a file`, { fix: `pass the path of a .js, .mjs, .ts or .mts file that exports a ${kind}` })
  if (/\.c[jt]s$/.test(abs)) {
    throw new DstestError('E_USAGE', `cannot load ${given}: ${kind} modules are ES modules`, { fix: 'use a .ts, .mts, .js or .mjs file (import/export syntax)' })
  }
  ensureHooks()
  try {
    return (await import(pathToFileURL(abs).href)) as Record<string, unknown>
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0]
    throw new DstestError('E_USAGE', `cannot load ${kind} module ${given}: ${reason}`, { fix: 'fix the module; run it with node, or tsc --noEmit for a .ts file, to see more', cause: err })
  }
}
