/**
 * `dstest run` flags, declared once. Defaults live in the zod spec (core/spec.ts)
 * so a config file and flags share them; here they are only shown in --help.
 */
import type { Options } from 'yargs'

export const runOptions = {
  target: { type: 'string', describe: 'system under test (see `dstest list targets`)  [default: raft-kv]' },
  workload: { type: 'string', describe: "workload name or a path to a workload module  [default: the target's first]" },
  nemesis: { type: 'string', describe: 'faults, comma-separated: none, partition, packet, clock, kill, pause, skewed-leader  [default: none]' },
  'nemesis-interval': { type: 'number', describe: 'seconds between fault changes  [default: 10]' },
  'nemesis-targets': { type: 'string', describe: 'which nodes faults hit: one, minority, majority, all, primaries' },
  partition: { type: 'string', describe: 'partition topology: one, majority, majorities-ring, minority-third, halves, random-halves, bridge, primaries  [default: drawn each time]' },
  nodes: { type: 'number', describe: 'cluster size, nodes n1..nN  [default: 5]' },
  concurrency: { type: 'number', describe: 'client threads  [default: 10]' },
  rate: { type: 'number', describe: 'client ops per second over all threads, 0 = unlimited  [default: 200]' },
  'time-limit': { type: 'number', describe: 'seconds of workload before healing and final reads  [default: 60]' },
  seed: { type: 'number', describe: 'replay a run: same seed and options give the same decisions' },
  'test-count': { type: 'number', describe: 'run the test N times (seeds seed, seed+1, ...)  [default: 1]' },
  store: { type: 'string', describe: 'folder for results  [default: store]' },
  runtime: { type: 'string', describe: 'docker, ssh or memory  [default: what the target needs]' },
  reporter: { type: 'string', describe: 'progress output: live (terminal view), line (CI logs), json, quiet  [default: live on a terminal, else line]' },
  junit: { type: 'string', describe: 'also write JUnit XML to this file' },
  bug: { type: 'string', describe: 'run the target with a deliberate bug (see `dstest list targets`)' },
  'op-timeout': { type: 'number', describe: 'seconds before an unanswered op is recorded as info  [default: 5]' },
  'recovery-time': { type: 'number', describe: 'seconds to wait after healing before final reads  [default: 5]' },
  name: { type: 'string', describe: 'test name (store folder)  [default: <target>-<workload>]' },
  config: { type: 'string', describe: 'JSON config file; flags override it' },
  'dry-run': { type: 'boolean', describe: 'print the planned fault schedule for the seed and exit' },
} as const satisfies Record<string, Options>

/** The spec keys, in camelCase, for the flags a user actually gave. */
export const specKeys = [
  'target',
  'workload',
  'nemesis',
  'nemesisInterval',
  'nemesisTargets',
  'partition',
  'nodes',
  'concurrency',
  'rate',
  'timeLimit',
  'seed',
  'testCount',
  'store',
  'runtime',
  'reporter',
  'junit',
  'bug',
  'opTimeout',
  'recoveryTime',
  'name',
] as const
