/**
 * `dstest list [targets|workloads|nemeses|checkers] [--target FILE]`: what can
 * be named, one line each. Under each target: its bug modes, the workloads
 * it serves and how clock faults reach it. `--target ./mine.ts` lists that
 * target (a file, or a bundled name) instead of the bundled ones, and its
 * own workloads before the bundled ones.
 */
import type { Argv, CommandModule } from 'yargs'
import { UnknownNameError } from '../../core/errors.js'
import type { Target } from '../../targets/target.js'
import { listTargets, listWorkloads, loadTarget, targetWorkloadNames, targetWorkloads, type LoadedTarget } from '../../run/registry.js'
import { listNemeses } from '../../run/nemeses.js'
import { listCheckers } from '../../run/checker-registry.js'

const KINDS = ['targets', 'workloads', 'nemeses', 'checkers'] as const

const CLOCK: Record<string, string> = {
  faketime: 'through libfaketime in its processes',
  'real-clock': "only through the hosts' real clocks (--runtime ssh --ssh-real-clock)",
  none: 'none (--nemesis clock and skewed-leader are refused)',
}

export function listCommand(setExit: (code: number) => void): CommandModule<object, { kind?: string; target?: string }> {
  return {
    command: 'list [kind]',
    describe: 'list targets, workloads, nemeses and checkers with one-line descriptions',
    builder: (y) =>
      y
        .positional('kind', { type: 'string', describe: KINDS.join(' | ') })
        .option('target', { type: 'string', describe: 'list this target (a module path, or a bundled name) and its own workloads' }) as unknown as Argv<{ kind?: string; target?: string }>,
    handler: async (argv) => {
      const kind = argv.kind
      if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) throw new UnknownNameError('list kind', kind, KINDS)
      const loaded: LoadedTarget[] = argv.target !== undefined ? [await loadTarget(argv.target)] : listTargets().map((target) => ({ target }))
      const out: string[] = []
      const section = (title: string, rows: [string, string][]): void => {
        out.push(`${title}:`)
        const w = Math.max(...rows.map(([n]) => n.length))
        for (const [n, d] of rows) out.push(`  ${n.padEnd(w)}  ${d}`)
      }
      if (!kind || kind === 'targets') {
        // Each target, then its bug modes, workloads and clock under it.
        out.push('targets:')
        const w = Math.max(...loaded.map((l) => l.target.name.length))
        for (const l of loaded) {
          const t: Target = l.target
          const pad = `  ${' '.repeat(w)}    `
          out.push(`  ${t.name.padEnd(w)}  ${t.description}${l.module ? ` (${l.module})` : ''}`)
          for (const [bug, d] of Object.entries(t.bugs ?? {})) out.push(`${pad}--bug ${bug}: ${d}`)
          const names = await targetWorkloadNames(l)
          out.push(`${pad}workloads: ${names.map((n, i) => (i === 0 ? `${n} (default)` : n)).join(', ')}; operations: ${t.operations.join(', ')}`)
          out.push(`${pad}clock faults: ${CLOCK[t.clock ?? 'none']}`)
        }
      }
      if (!kind || kind === 'workloads') {
        const own = argv.target !== undefined ? (await targetWorkloads(loaded[0]!)).map((x) => x.workload) : []
        const bundled = listWorkloads().filter((b) => !own.some((o) => o.name === b.name))
        section('workloads', [...own, ...bundled].map((x) => [x.name, x.description]))
      }
      if (!kind || kind === 'nemeses') section('nemeses', listNemeses().map((n) => [n.name, n.description]))
      if (!kind || kind === 'checkers') section('checkers', listCheckers().map((c) => [c.name, c.description]))
      process.stdout.write(out.join('\n') + '\n')
      setExit(0)
    },
  }
}
