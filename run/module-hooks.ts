/**
 * Node module hooks for a user's target and workload modules (registered by
 * ./user-modules.ts, run by Node on its hooks thread):
 *
 *   - `import ... from 'dstest'` (and 'dstest/...') resolves to the dstest
 *     that is running, whatever the module's own node_modules hold, so a
 *     user's module and dstest share one copy of every class and registry;
 *   - `.ts` and `.mts` files load as ES modules, transpiled on load by the
 *     TypeScript compiler (types are not checked: that is `tsc --noEmit`'s
 *     job), with an inline source map so stack traces name the .ts lines;
 *   - a relative import written for compiled output (`./client.js`) finds
 *     `./client.ts` when there is no .js file, as tsc's NodeNext style has it.
 */
import { readFile } from 'node:fs/promises'
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
    return { format: 'module', source: await transpile(await readFile(path, 'utf8'), path), shortCircuit: true }
  }
  return nextLoad(url, context)
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
