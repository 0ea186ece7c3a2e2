/**
 * The test spec: one zod schema for CLI flags and the config file alike.
 * Precedence: CLI flags over the config file over these defaults.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { DstestError } from './errors.js'

const commaList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))

export const NemesisTargets = ['one', 'minority', 'majority', 'all', 'primaries'] as const

export const TestSpecSchema = z
  .object({
    /** Store folder name; defaults to `<target>-<workload>`. */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" and "-"').optional(),
    target: z.string().min(1).default('raft-kv'),
    /** Defaults to the target's first workload. */
    workload: z.string().min(1).optional(),
    nemesis: commaList.default(['none']),
    nodes: z.number().int().min(1).max(64).default(5),
    concurrency: z.number().int().min(1).max(1000).default(10),
    /** Client operations per second, over all threads; 0 = as fast as possible. */
    rate: z.number().min(0).default(200),
    timeLimit: z.number().positive().max(86_400).default(60),
    seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
    testCount: z.number().int().min(1).max(10_000).default(1),
    store: z.string().min(1).default('store'),
    runtime: z.enum(['docker', 'ssh', 'memory']).optional(),
    /** `live` (ink) on a terminal; `line` elsewhere (CI logs). Chosen by the CLI when not given. */
    reporter: z.enum(['live', 'line', 'json', 'quiet']).optional(),
    junit: z.string().min(1).optional(),
    bug: z.string().min(1).optional(),
    /** Seconds before an unanswered operation is recorded as info. */
    opTimeout: z.number().positive().max(600).default(5),
    nemesisInterval: z.number().positive().max(3600).default(10),
    nemesisTargets: z.enum(NemesisTargets).optional(),
    /** Partition topology (default: drawn from several each time). */
    partition: z.string().min(1).optional(),
    /** Seconds to wait after healing, before the final reads. */
    recoveryTime: z.number().min(0).max(600).default(5),
    /** How often the line reporter prints (seconds). */
    progressInterval: z.number().positive().default(5),
    workloadOptions: z.record(z.string(), z.unknown()).default({}),
    targetOptions: z.record(z.string(), z.unknown()).default({}),
    /** SSH runtime: hosts to use as nodes. */
    hosts: commaList.optional(),
  })
  .strict()

export type TestSpec = z.output<typeof TestSpecSchema>
export type TestSpecInput = z.input<typeof TestSpecSchema>

/** One line per problem, e.g. "--time-limit: Number must be greater than 0". */
function describeIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((i) => {
      const path = i.path.join('.')
      const flag = path ? `${source === 'flags' ? '--' + kebab(path) : path}` : source
      return `${flag}: ${i.message}`
    })
    .join('; ')
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())
}

export function parseSpec(input: unknown, source: 'flags' | string = 'flags'): TestSpec {
  const result = TestSpecSchema.safeParse(input)
  if (!result.success) {
    throw new DstestError('E_CONFIG', `invalid test spec (${describeIssues(result.error, source)})`, {
      fix: source === 'flags' ? 'see `dstest run --help`' : `fix ${source} (see README "Config file")`,
    })
  }
  return result.data
}

/** Reads a JSON config file; its keys are the spec's (camelCase) names. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new DstestError('E_NOT_FOUND', `cannot read config file ${path} (${(e as NodeJS.ErrnoException).code})`, {
      fix: 'pass an existing JSON file to --config',
    })
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new DstestError('E_CONFIG', `config file ${path} is not valid JSON (${(e as Error).message})`, {
      fix: 'fix the file (it must hold one JSON object)',
    })
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DstestError('E_CONFIG', `config file ${path} must hold one JSON object`, { fix: 'wrap the settings in {...}' })
  }
  // Validate the file alone first so its errors name the file, not a flag.
  const partial = TestSpecSchema.partial().safeParse(data)
  if (!partial.success) {
    throw new DstestError('E_CONFIG', `invalid config file ${path} (${describeIssues(partial.error, path)})`, {
      fix: 'fix the named keys (see README "Config file")',
    })
  }
  return data as Record<string, unknown>
}

/** Flags (only those the user gave) over the config file over the defaults. */
export function resolveSpec(flags: Record<string, unknown>, configPath?: string): TestSpec {
  const file = configPath ? readConfigFile(configPath) : {}
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined))
  return parseSpec({ ...file, ...given })
}
