/**
 * The test spec: one zod schema for CLI flags and the config file alike.
 * Precedence: CLI flags over the config file over these defaults.
 *
 * Each field carries, beside its schema, what the CLI and the docs need
 * (`specDocs`): `dstest run --help`, yargs' options (cli/commands/run-options.ts)
 * and the README's flag tables (`npm run docs`) are generated from it. A new
 * option is one field here, with its docs; a field without a flag is marked
 * `configOnly` and is set in the config file.
 */
import { readFileSync, statSync } from 'node:fs'
import { z } from 'zod'
import { DstestError } from './errors.js'
import { testNameProblem } from './store.js'

/** What the CLI and the docs show of a spec field. */
export interface FieldDoc {
  /** One line for --help and the README; `{names}` is replaced by the names of `names`. */
  describe: string
  /** The --help section and README table it is listed under. */
  group: SpecGroup
  /** The default as shown, when the schema has none (it is decided at run time). */
  defaultText?: string
  /** The names it takes come from a registry above core/ (listed, not enforced, by the CLI). */
  names?: 'targets' | 'workloads' | 'nemeses' | 'topologies'
  /** What its value is, in the README (`--junit FILE`). */
  arg?: string
  /** No flag: set in the config file only. */
  configOnly?: true
}

export const SPEC_GROUPS = ['Test', 'Cluster', 'SSH', 'Nemesis', 'Output'] as const
export type SpecGroup = (typeof SPEC_GROUPS)[number]

const specDocs = z.registry<FieldDoc>()

/** Which nodes a fault hits (Jepsen's `:targets`); nemesis/selection.ts picks them. */
export const NODE_SELECTIONS = ['one', 'minority', 'majority', 'all', 'primaries'] as const
/** Where nodes run; run/runtimes.ts makes them. */
export const RUNTIMES = ['docker', 'ssh', 'memory'] as const

const commaList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))

export const TestSpecSchema = z
  .object({
    target: z.string().min(1).default('raft-kv').register(specDocs, {
      group: 'Test',
      describe: 'system under test: {names}, or a path to your own target module',
      names: 'targets',
    }),
    workload: z.string().min(1).optional().register(specDocs, {
      group: 'Test',
      describe: 'what the clients do: {names}, or a path to your own workload module',
      names: 'workloads',
      defaultText: "the target's first",
    }),
    bug: z.string().min(1).optional().register(specDocs, {
      group: 'Test',
      describe: 'run the target with a deliberate bug (see `dstest list targets`)',
      arg: 'NAME',
    }),
    timeLimit: z.number().positive().max(86_400).default(60).register(specDocs, {
      group: 'Test',
      describe: 'seconds of workload before healing and final reads',
    }),
    concurrency: z.number().int().min(1).max(1000).default(10).register(specDocs, {
      group: 'Test',
      describe: 'client threads (thread i talks to node i mod N)',
    }),
    rate: z.number().min(0).default(200).register(specDocs, {
      group: 'Test',
      describe: 'client operations per second over all threads (0: as fast as possible)',
    }),
    opTimeout: z.number().positive().max(600).default(5).register(specDocs, {
      group: 'Test',
      describe: 'seconds before an unanswered operation is recorded as `info`',
    }),
    recoveryTime: z.number().min(0).max(600).default(5).register(specDocs, {
      group: 'Test',
      describe: 'seconds to wait after healing, before the final reads',
    }),
    finalTimeout: z.number().positive().max(3600).default(30).register(specDocs, {
      group: 'Test',
      describe: 'seconds the final reads may take in all: each is retried after a fail or info until it succeeds or this passes',
    }),
    seed: z.number().int().min(0).max(2 ** 32 - 1).optional().register(specDocs, {
      group: 'Test',
      describe: 'replay: the same seed and options make the same decisions; printed first and last',
      defaultText: 'random',
    }),
    testCount: z.number().int().min(1).max(10_000).default(1).register(specDocs, {
      group: 'Test',
      describe: 'run N times (seeds seed, seed+1, ...) and summarise',
    }),
    nodes: z.number().int().min(1).max(64).default(5).register(specDocs, { group: 'Cluster', describe: 'cluster size: nodes n1..nN' }),
    runtime: z.enum(RUNTIMES).optional().register(specDocs, {
      group: 'Cluster',
      describe: 'where the nodes run: docker containers, ssh hosts of your own (README "Testing on your own machines"), or memory (in-process)',
      defaultText: 'what the target needs',
    }),
    nemesis: commaList.default(['none']).register(specDocs, {
      group: 'Nemesis',
      describe: 'faults, comma-separated: {names} (see `dstest list nemeses`)',
      names: 'nemeses',
    }),
    nemesisInterval: z.number().positive().max(3600).default(10).register(specDocs, {
      group: 'Nemesis',
      describe: 'mean seconds between fault changes',
    }),
    nemesisTargets: z.enum(NODE_SELECTIONS).optional().register(specDocs, {
      group: 'Nemesis',
      describe: 'which nodes kill, pause, clock and packet faults hit',
      defaultText: 'one',
    }),
    partition: z.string().min(1).optional().register(specDocs, {
      group: 'Nemesis',
      describe: 'partition topology: {names}',
      names: 'topologies',
      defaultText: 'drawn each time',
    }),
    store: z.string().min(1).default('store').register(specDocs, { group: 'Output', describe: 'folder where runs are kept', arg: 'DIR' }),
    name: z
      .string()
      .superRefine((name, ctx) => {
        const problem = testNameProblem(name)
        if (problem) ctx.addIssue({ code: 'custom', message: problem })
      })
      .optional()
      .register(specDocs, {
        group: 'Output',
        describe: 'test name: the folder under the store (starts with a letter or digit; not `latest`)',
        defaultText: '<target>-<workload>',
      }),
    reporter: z.enum(['live', 'line', 'json', 'quiet']).optional().register(specDocs, {
      group: 'Output',
      describe: 'progress output: live is a terminal view, line prints progress lines for CI logs, json prints JSON lines, quiet only warnings',
      defaultText: 'live on a terminal, else line',
    }),
    junit: z.string().min(1).optional().register(specDocs, {
      group: 'Output',
      describe: 'also write JUnit XML there (one testcase per checker, the seed in its properties)',
      arg: 'FILE',
    }),
    progressInterval: z.number().positive().default(5).register(specDocs, {
      group: 'Output',
      describe: 'seconds between the line and json reporters\' progress lines',
      configOnly: true,
    }),
    workloadOptions: z.record(z.string(), z.unknown()).default({}).register(specDocs, {
      group: 'Test',
      describe: "the workload's own options, listed per workload under Workloads below (register: `mix`, `opsPerKey`, `threadsPerKey`)",
      configOnly: true,
    }),
    targetOptions: z.record(z.string(), z.unknown()).default({}).register(specDocs, {
      group: 'Test',
      describe: "the target's own options",
      configOnly: true,
    }),
    nodesFile: z.string().min(1).optional().register(specDocs, {
      group: 'SSH',
      describe: 'the hosts, one a line: `name address[:port]` or `address[:port]` (# comments); the run calls them n1..nN in order',
      arg: 'FILE',
    }),
    sshHost: commaList.optional().register(specDocs, {
      group: 'SSH',
      describe: 'a host, `address[:port]`; repeat it once per node (instead of --nodes-file)',
      arg: 'ADDR',
    }),
    sshUser: z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/i, 'not a user name').optional().register(specDocs, {
      group: 'SSH',
      describe: 'the login on every host; not root means `sudo -n` for iptables and tc',
      defaultText: 'root',
    }),
    sshKey: z.string().min(1).optional().register(specDocs, {
      group: 'SSH',
      describe: 'private key file (an encrypted key: load it into ssh-agent instead)',
      defaultText: '~/.ssh/id_ed25519, id_ecdsa, id_rsa, then the ssh-agent',
      arg: 'FILE',
    }),
    sshPort: z.number().int().min(1).max(65535).optional().register(specDocs, {
      group: 'SSH',
      describe: 'port for hosts that name none',
      defaultText: '22',
    }),
    knownHosts: z.string().min(1).optional().register(specDocs, {
      group: 'SSH',
      describe: 'host keys are checked against this file',
      defaultText: '~/.ssh/known_hosts',
      arg: 'FILE',
    }),
    sshStrictHostKeyChecking: z.boolean().default(true).register(specDocs, {
      group: 'SSH',
      describe: 'refuse a host whose key is not in known_hosts; `--no-ssh-strict-host-key-checking` accepts any key',
    }),
    sshRealClock: z.boolean().default(false).register(specDocs, {
      group: 'SSH',
      describe: "clock faults step the hosts' REAL clocks with `date` (as root) instead of libfaketime: this changes the machines' time",
    }),
  })
  .strict()

/** A spec field as the CLI and the docs see it. */
export interface SpecField extends FieldDoc {
  /** The spec's (and config file's) key. */
  key: string
  /** Its flag, without dashes: the key in kebab-case. */
  flag: string
  type: 'string' | 'number' | 'boolean' | 'object'
  /** The schema's default, if it has one. */
  default?: unknown
  /** The values a z.enum allows. */
  choices?: readonly string[]
}

/** Every field of the spec with its docs, in the schema's order. */
export function specFields(): SpecField[] {
  return Object.entries(TestSpecSchema.shape).map(([key, schema]) => {
    const doc = specDocs.get(schema)
    if (!doc) throw new Error(`spec field ${key} has no docs: register it with specDocs`)
    let inner: z.core.$ZodType = schema
    let def: unknown
    for (;;) {
      if (inner instanceof z.ZodDefault) {
        def = inner.def.defaultValue
        inner = inner.def.innerType
      } else if (inner instanceof z.ZodOptional) inner = inner.def.innerType
      else break
    }
    const field: SpecField = { key, flag: kebab(key), ...doc, type: typeOf(inner) }
    if (def !== undefined) field.default = def
    if (inner instanceof z.ZodEnum) field.choices = inner.options as string[]
    return field
  })
}

function typeOf(schema: z.core.$ZodType): SpecField['type'] {
  if (schema instanceof z.ZodNumber) return 'number'
  if (schema instanceof z.ZodBoolean) return 'boolean'
  if (schema instanceof z.ZodRecord) return 'object'
  // Strings, enums and comma lists (a string or an array of strings) are strings on the command line.
  return 'string'
}

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

const CONFIG_MAX_BYTES = 1 << 20

/** Reads a JSON config file; its keys are the spec's (camelCase) names. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    // A device or a FIFO would never end (or never answer): only regular files are read.
    const stat = statSync(path)
    if (!stat.isFile()) throw new DstestError('E_CONFIG', `config file ${path} is not a regular file`, { fix: 'pass a JSON file to --config' })
    if (stat.size > CONFIG_MAX_BYTES) throw new DstestError('E_CONFIG', `config file ${path} is ${stat.size} bytes, more than a config file holds`, { fix: 'pass a JSON file of settings to --config' })
    text = readFileSync(path, 'utf8')
  } catch (e) {
    if (e instanceof DstestError) throw e
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
