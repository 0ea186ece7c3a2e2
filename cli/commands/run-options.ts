/**
 * `dstest run` flags: one per field of the test spec (core/spec.ts), with
 * the field's docs and the names its registry holds, plus the two flags that
 * are about the command rather than the test (--config, --dry-run). Defaults
 * stay in the spec, so a config file and flags share them; here they are
 * only shown.
 */
import { specFields, type FieldDoc, type SpecField } from '../../core/spec.js'
import { listNemeses, TOPOLOGIES } from '../../run/nemeses.js'
import { listTargets, listWorkloads } from '../../run/registry.js'
import { yargsOptions, type Flag } from '../flag-docs.js'

const NAMES: Record<NonNullable<FieldDoc['names']>, () => readonly string[]> = {
  targets: () => listTargets().map((t) => t.name),
  workloads: () => listWorkloads().map((w) => w.name),
  nemeses: () => listNemeses().map((n) => n.name),
  topologies: () => TOPOLOGIES,
}

function flagOf(f: SpecField): Flag {
  if (f.type === 'object') throw new Error(`spec field ${f.key} holds an object: mark it configOnly`)
  const flag: Flag = { name: f.flag, type: f.type, describe: f.describe, group: f.group }
  if (f.default !== undefined) {
    flag.defaultText = Array.isArray(f.default) ? f.default.join(',') : String(f.default)
    flag.defaultIsValue = true
  } else if (f.defaultText !== undefined) flag.defaultText = f.defaultText
  if (f.choices) flag.choices = f.choices
  if (f.names) flag.names = NAMES[f.names]()
  if (f.arg) flag.arg = f.arg
  return flag
}

const flagFields = specFields().filter((f) => !f.configOnly)

export const runFlags: readonly Flag[] = [
  ...flagFields.map(flagOf),
  {
    name: 'config',
    type: 'string',
    group: 'Test',
    arg: 'FILE',
    describe: 'a JSON file of settings, keyed by the flags in camelCase (README "Config file"); flags override it',
  },
  { name: 'dry-run', type: 'boolean', group: 'Nemesis', describe: 'print the fault schedule planned for the seed, and exit' },
]

export const runOptions = yargsOptions(runFlags)

/** The spec keys, in camelCase, of the flags: what `run` reads back from argv. */
export const specKeys: readonly string[] = flagFields.map((f) => f.key)
