/**
 * `dstest check <history-file|store-dir>`: re-runs checkers offline, writes
 * the analysis beside the run (never over the run's own results) and exits by
 * the verdict. A store folder is checked with its workload's checkers; a bare
 * history file needs --checker (and --model for linearizability) or --workload.
 */
import type { Argv, CommandModule } from 'yargs'
import { modelNames } from '../../checkers/linearizability/index.js'
import { checkPath } from '../../run/check-run.js'
import { listCheckers } from '../../run/checker-registry.js'
import { verdictWord } from '../../run/reporter.js'
import { yargsOptions, type Flag } from '../flag-docs.js'
import { ExitCode, UsageError } from '../../core/errors.js'

export const checkFlags: readonly Flag[] = [
  {
    name: 'checker',
    type: 'string',
    arg: 'NAME',
    describe: "check with this checker: {names}",
    names: listCheckers().map((c) => c.name),
    defaultText: "a stored run's workload checkers",
  },
  { name: 'model', type: 'string', arg: 'NAME', describe: 'the model for --checker linearizable: {names}', names: modelNames },
  { name: 'consistency', type: 'string', choices: ['linearizable', 'sequential'], describe: 'the consistency model for --checker linearizable', defaultText: 'linearizable', defaultIsValue: true },
  {
    name: 'independent',
    type: 'boolean',
    describe: 'values are [key, v] (independent keys): check each key on its own. A history that looks so is refused without it or its negation (no-independent: the values are pairs)',
  },
  {
    name: 'consistency-models',
    type: 'string',
    arg: 'A,B',
    describe: 'for --checker list-append / rw-register: the models the history must satisfy, comma-separated',
    defaultText: 'strict-serializable',
  },
  { name: 'workload', type: 'string', arg: 'NAME', describe: "check with this workload's checkers" },
  { name: 'time-limit', type: 'number', describe: 'seconds before a checker gives up and says unknown', defaultText: 'none' },
  { name: 'store', type: 'string', arg: 'DIR', describe: 'where the results of a bare history file go', defaultText: 'store', defaultIsValue: true },
  { name: 'json', type: 'boolean', describe: 'print the results as JSON' },
  { name: 'option', type: 'string', arg: 'NAME=VALUE', repeatable: true, describe: "a checker's option, repeatable (`dstest list checkers` names them), e.g. negativeBalances=true, groupSize=3, fifo=true" },
]

interface CheckArgs {
  path: string
  checker?: string
  model?: string
  consistency?: string
  workload?: string
  store?: string
  'time-limit'?: number
  json?: boolean
  independent?: boolean
  'consistency-models'?: string
  /** One string, or several when the flag is repeated. */
  option?: string | string[]
}

/** `name=value` pairs; a value is read as JSON when it parses (true, 3), else as a string. */
function parseOptions(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    if (at <= 0) throw new UsageError(`--option ${pair}: expected name=value`, 'e.g. --option negativeBalances=true')
    const text = pair.slice(at + 1)
    let value: unknown = text
    try {
      value = JSON.parse(text)
    } catch {
      // a plain string
    }
    out[pair.slice(0, at)] = value
  }
  return out
}

export function checkCommand(setExit: (code: number) => void): CommandModule<object, CheckArgs> {
  return {
    command: 'check <path>',
    describe: 're-check a stored run or a history file (history.jsonl, Jepsen .edn or .json)',
    builder: (y) =>
      y
        .positional('path', { type: 'string', demandOption: true, describe: 'store/<test>/<time>, store/latest, or a history file' })
        // The options are generated from checkFlags, so yargs cannot infer their types.
        .options(yargsOptions(checkFlags)) as unknown as Argv<CheckArgs>,
    handler: async (argv) => {
      // A flag given twice arrives as a list: say so rather than take one of them.
      const twice = checkFlags.find((f) => f.type !== 'boolean' && !f.repeatable && Array.isArray((argv as Record<string, unknown>)[f.name]))
      if (twice) throw new UsageError(`--${twice.name} is given more than once`, 'pass it once')
      const outcome = await checkPath(argv.path, {
        checker: argv.checker,
        model: argv.model,
        consistency: argv.consistency as 'linearizable' | 'sequential' | undefined,
        workload: argv.workload,
        store: argv.store ?? 'store',
        timeLimitSeconds: argv['time-limit'],
        independent: argv.independent,
        options: parseOptions(argv.option === undefined ? [] : ([] as string[]).concat(argv.option)),
        consistencyModels: argv['consistency-models']?.split(',').map((m) => m.trim()).filter((m) => m !== ''),
        onStart: (s) => {
          if (!argv.json) process.stdout.write(`checking ${count(s.clientOperations)} client operations (${count(s.records)} history records) of ${s.path} with ${s.checkers.join(', ')}\n`)
        },
        guardWrites: holdingSignals,
      })
      if (argv.json) {
        process.stdout.write(JSON.stringify(outcome.results, null, 2) + '\n')
        // Standard output holds the JSON alone; where it was written goes to the person.
        process.stderr.write(`${outcome.run !== undefined ? 'analysis' : 'results'}: ${outcome.outputDir}\n`)
      } else {
        for (const w of outcome.warnings) process.stderr.write(`warning: ${w}\n`)
        for (const [name, r] of Object.entries(outcome.checkers)) {
          process.stdout.write(`  ${name}: ${verdictWord(r.valid)}${r.summary ? ` - ${r.summary}` : ''}\n`)
          if (r.explanation) process.stdout.write(`\n${r.explanation}\n\n`)
        }
        process.stdout.write(`verdict: ${verdictWord(outcome.valid)} (exit ${outcome.exitCode}) ${count(outcome.clientOperations)} client operations\n`)
        if (outcome.run !== undefined) process.stdout.write(`analysis: ${outcome.outputDir} (the run's own results in ${outcome.run} are unchanged)\n`)
        else process.stdout.write(`results: ${outcome.outputDir}\n`)
      }
      setExit(outcome.exitCode)
    },
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US')
}

/**
 * Runs `write` with Ctrl-C and SIGTERM held back, so the results folder is
 * written whole or not at all; a signal that came meanwhile then ends the
 * process (exit 130). Before the writing, a signal ends it at once and
 * nothing is written.
 */
async function holdingSignals<T>(write: () => Promise<T>): Promise<T> {
  let held: NodeJS.Signals | undefined
  const hold = (signal: NodeJS.Signals): void => {
    held ??= signal
  }
  process.on('SIGINT', hold)
  process.on('SIGTERM', hold)
  try {
    return await write()
  } finally {
    process.off('SIGINT', hold)
    process.off('SIGTERM', hold)
    if (held) {
      process.stderr.write(`dstest: ${held}: interrupted while the results were written; they were finished first\n`)
      process.exit(ExitCode.interrupted)
    }
  }
}
