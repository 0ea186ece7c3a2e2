/** `dstest list [targets|workloads|nemeses|checkers]`: what can be named, one line each. */
import type { CommandModule } from 'yargs'
import { UnknownNameError } from '../../core/errors.js'
import { listTargets, listWorkloads } from '../../run/registry.js'
import { listNemeses } from '../../run/nemeses.js'
import { listCheckers } from '../../run/checker-registry.js'

const KINDS = ['targets', 'workloads', 'nemeses', 'checkers'] as const

export function listCommand(setExit: (code: number) => void): CommandModule<object, { kind?: string }> {
  return {
    command: 'list [kind]',
    describe: 'list targets, workloads, nemeses and checkers with one-line descriptions',
    builder: (y) => y.positional('kind', { type: 'string', describe: KINDS.join(' | ') }),
    handler: (argv) => {
      const kind = argv.kind
      if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) throw new UnknownNameError('list kind', kind, KINDS)
      const out: string[] = []
      const section = (title: string, rows: [string, string][]): void => {
        out.push(`${title}:`)
        const w = Math.max(...rows.map(([n]) => n.length))
        for (const [n, d] of rows) out.push(`  ${n.padEnd(w)}  ${d}`)
      }
      if (!kind || kind === 'targets') {
        // Each target, then its bug modes under it.
        out.push('targets:')
        const w = Math.max(...listTargets().map((t) => t.name.length))
        for (const t of listTargets()) {
          out.push(`  ${t.name.padEnd(w)}  ${t.description}`)
          for (const [bug, d] of Object.entries(t.bugs ?? {})) out.push(`  ${' '.repeat(w)}    --bug ${bug}: ${d}`)
        }
      }
      if (!kind || kind === 'workloads') section('workloads', listWorkloads().map((w) => [w.name, w.description]))
      if (!kind || kind === 'nemeses') section('nemeses', listNemeses().map((n) => [n.name, n.description]))
      if (!kind || kind === 'checkers') section('checkers', listCheckers().map((c) => [c.name, c.description]))
      process.stdout.write(out.join('\n') + '\n')
      setExit(0)
    },
  }
}
