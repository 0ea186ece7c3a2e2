/**
 * `dstest check <history-file|store-dir>`: re-runs checkers offline, rewrites the
 * results (and report) and exits by the verdict. A store folder is checked with
 * its workload's checkers; a bare history file needs --checker (and --model for
 * linearizability) or --workload.
 */
import type { CommandModule } from 'yargs'
import { checkPath } from '../../run/check-run.js'
import { verdictWord } from '../../run/reporter.js'

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
}

export function checkCommand(setExit: (code: number) => void): CommandModule<object, CheckArgs> {
  return {
    command: 'check <path>',
    describe: 're-check a stored run or a history file (history.jsonl, Jepsen .edn or .json)',
    builder: (y) =>
      y
        .positional('path', { type: 'string', demandOption: true, describe: 'store/<test>/<time>, store/latest, or a history file' })
        .options({
          checker: { type: 'string', describe: 'checker name (see `dstest list checkers`); default: the run\'s workload checkers' },
          model: { type: 'string', describe: 'linearizability model: register, cas-register, kv, set, queue, counter, mutex' },
          consistency: { type: 'string', choices: ['linearizable', 'sequential'], describe: 'consistency model for --checker linearizable' },
          workload: { type: 'string', describe: 'check with this workload\'s checkers' },
          store: { type: 'string', describe: 'where results of a bare history file go  [default: store]' },
          'time-limit': { type: 'number', describe: 'seconds before a checker gives up with unknown' },
          json: { type: 'boolean', describe: 'print the results as JSON' },
          independent: { type: 'boolean', describe: 'values are [key, v] (independent keys): check each key on its own' },
        }),
    handler: async (argv) => {
      const outcome = await checkPath(argv.path, {
        checker: argv.checker,
        model: argv.model,
        consistency: argv.consistency as 'linearizable' | 'sequential' | undefined,
        workload: argv.workload,
        store: argv.store ?? 'store',
        timeLimitSeconds: argv['time-limit'],
        independent: argv.independent,
      })
      if (argv.json) process.stdout.write(JSON.stringify(outcome.results, null, 2) + '\n')
      else {
        for (const w of outcome.warnings) process.stderr.write(`warning: ${w}\n`)
        for (const [name, r] of Object.entries(outcome.checkers)) {
          process.stdout.write(`  ${name}: ${verdictWord(r.valid)}${r.summary ? ` - ${r.summary}` : ''}\n`)
          if (r.explanation) process.stdout.write(`\n${r.explanation}\n\n`)
        }
        process.stdout.write(`verdict: ${verdictWord(outcome.valid)} (exit ${outcome.exitCode}) ${outcome.ops} ops\n`)
        process.stdout.write(`results: ${outcome.runDir}\n`)
      }
      setExit(outcome.exitCode)
    },
  }
}
