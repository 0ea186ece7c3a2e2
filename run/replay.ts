/**
 * What changes a run's behaviour, as flags: the run banner names them, so a
 * log alone says what ran, and the JUnit failure carries the command that
 * replays the run. A flag is shown when its value is not the default (the
 * target, workload, nemesis and time limit always); where the run writes, how
 * it prints and how many runs there are do not change what a run does.
 */
import { specFields, type SpecField } from '../core/spec.js'
import type { PreparedRun } from './preflight.js'

const ALWAYS = new Set(['target', 'workload', 'nemesis', 'timeLimit'])
const NOT_BEHAVIOUR = new Set(['seed', 'testCount'])

/** [flag, value] for each option that changes what the run does, in the spec's order. */
export function behaviourFlags(prepared: Pick<PreparedRun, 'spec' | 'workload'>): [string, string][] {
  const spec = prepared.spec as unknown as Record<string, unknown>
  const out: [string, string][] = []
  for (const f of specFields()) {
    if (f.configOnly || f.group === 'Output' || NOT_BEHAVIOUR.has(f.key)) continue
    const value = f.key === 'workload' ? (prepared.spec.workload ?? prepared.workload.name) : spec[f.key]
    if (value === undefined) continue
    if (!ALWAYS.has(f.key) && isDefault(value, f)) continue
    out.push([f.flag, Array.isArray(value) ? value.join(',') : String(value)])
  }
  return out
}

function isDefault(value: unknown, f: SpecField): boolean {
  return JSON.stringify(value) === JSON.stringify(f.default)
}

/** The command that replays run `seed` of this test: every option that changes behaviour, then `--seed`. */
export function replayCommand(prepared: Pick<PreparedRun, 'spec' | 'workload' | 'configPath'>, seed: number): string {
  const args = ['dstest', 'run']
  if (prepared.configPath !== undefined) args.push('--config', prepared.configPath)
  for (const [flag, value] of behaviourFlags(prepared)) args.push(`--${flag}`, value)
  args.push('--seed', String(seed))
  return args.map(shellWord).join(' ')
}

/** A word as a POSIX shell reads it back: bare when it is plain, else in single quotes. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=,+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}
