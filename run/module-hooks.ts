/**
 * Node module hooks for a user's target and workload modules (registered by
 * ./user-modules.ts, run by Node on its hooks thread):
 *
 *   - `import ... from 'dstest'` (and 'dstest/...') resolves to the dstest
 *     that is running, whatever the module's own node_modules hold, so a
 *     user's module and dstest share one copy of every class and registry;
 *   - `.ts` and `.mts` files load as ES modules, transpiled on load by the
 *     TypeScript compiler (types are not checked: that is `tsc --noEmit`'s
 *     job), with an inline source map so stack traces name the .ts lines.
 *     The output is kept in a cache folder of the user's, named by a hash of
 *     everything it depends on, so a file seen before loads without the
 *     compiler (which takes a second or more to load);
 *   - a relative import written for compiled output (`./client.js`) finds
 *     `./client.ts` when there is no .js file, as tsc's NodeNext style has it.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

interface ResolveContext {
  parentURL?: string
  conditions?: readonly string[]
  importAttributes?: Record<string, string>
}
interface ResolveResult {
  url: string
  format?: string | null
  shortCircuit?: boolean
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>
interface LoadContext {
  format?: string | null
  conditions?: readonly string[]
  importAttributes?: Record<string, string>
}
interface LoadResult {
  format: string
  source?: string | ArrayBuffer | Uint8Array | null
  shortCircuit?: boolean
}
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>

/** This package's own name: resolved from inside the package, Node's self-reference finds its exports. */
const SELF = 'dstest'

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  if (specifier === SELF || specifier.startsWith(`${SELF}/`)) return nextResolve(specifier, { ...context, parentURL: import.meta.url })
  try {
    return await nextResolve(specifier, context)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !isRelative(specifier)) throw err
    for (const alternative of typeScriptAlternatives(specifier)) {
      try {
        return await nextResolve(alternative, context)
      } catch {
        // try the next spelling
      }
    }
    throw err
  }
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  if (url.startsWith('file:') && isTypeScript(url)) {
    const path = fileURLToPath(url)
    return { format: 'module', source: await transpileCached(await readFile(path, 'utf8'), path), shortCircuit: true }
  }
  return nextLoad(url, context)
}

/** Bump when transpile() changes its options or output. */
const CACHE_FORMAT = 1
let compilerVersion: string | undefined

/** The cache folder: one per user, under the system's temporary folder. */
export function transpileCacheDir(): string {
  return join(tmpdir(), `dstest-ts-cache-${userInfo().uid}`)
}

/**
 * transpile(), through the cache. An entry is named by a hash of the source,
 * its path (the source map names it), the compiler's version and this
 * format, so it can never be stale; a cache that cannot be read or written is
 * only slower.
 */
export async function transpileCached(source: string, fileName: string, dir = transpileCacheDir()): Promise<string> {
  compilerVersion ??= (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('typescript/package.json'), 'utf8')) as { version: string }).version
  const key = createHash('sha256').update(JSON.stringify([CACHE_FORMAT, compilerVersion, fileName, source])).digest('hex')
  const entry = join(dir, `${key}.js`)
  try {
    return await readFile(entry, 'utf8')
  } catch {
    // not cached yet
  }
  const out = await transpile(source, fileName)
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const temp = `${entry}.${process.pid}.tmp`
    await writeFile(temp, out)
    await rename(temp, entry)
  } catch {
    // a read-only or full disk: the next load transpiles again
  }
  return out
}

export function isTypeScript(url: string): boolean {
  return /\.m?ts$/.test(new URL(url, 'file:///').pathname)
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:')
}

/** The TypeScript files an import of `specifier` may mean when nothing has that exact name. */
export function typeScriptAlternatives(specifier: string): string[] {
  if (/\.js$/.test(specifier)) return [specifier.replace(/\.js$/, '.ts')]
  if (/\.mjs$/.test(specifier)) return [specifier.replace(/\.mjs$/, '.mts')]
  if (/\.[cm]?[jt]sx?$|\.json$/.test(specifier)) return []
  return [`${specifier}.ts`, `${specifier}/index.ts`]
}

/** ES2022 JavaScript for one TypeScript module; a syntax error is thrown with its file, line and column. */
export async function transpile(source: string, fileName: string): Promise<string> {
  // Loaded only when a .ts module is: the compiler is large.
  const { default: ts } = await import('typescript')
  const out = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
      inlineSources: true,
      // Imports used only as types are dropped, as tsc does.
      verbatimModuleSyntax: false,
    },
  })
  const error = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error)
  if (error) {
    const where = error.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : undefined
    const at = where ? `${fileName}:${where.line + 1}:${where.character + 1}` : fileName
    throw new SyntaxError(`${at}: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}`)
  }
  return out.outputText
}
