/**
 * Checkers by name, for `dstest check --checker NAME` and `dstest list checkers`.
 * A new checker is one entry in `checkers` below: its description and how to
 * build it from the options `dstest check` passes.
 */
import type { Checker } from '../checkers/checker.js'
import { linearizable } from '../checkers/linearizable.js'
import { stats } from '../checkers/stats.js'
import { modelNames } from '../checkers/linearizability/index.js'
import { UnknownNameError, UsageError } from '../core/errors.js'

export interface NamedCheckerOptions {
  model?: string | undefined
  consistency?: 'linearizable' | 'sequential' | undefined
  timeLimitSeconds?: number | undefined
  /** Values are [key, v]: check each key on its own. */
  independent?: boolean | undefined
  nilReadIsUnknown?: boolean | undefined
}

const checkers: Record<string, { description: string; make: (o: NamedCheckerOptions) => Checker }> = {
  linearizable: {
    description: `linearizability (or --consistency sequential) against a model: ${modelNames.join(', ')}`,
    make: (o) => {
      if (!o.model) throw new UsageError('--checker linearizable needs a model', `pass --model with one of: ${modelNames.join(', ')}`)
      return linearizable({
        model: o.model,
        ...(o.consistency ? { consistency: o.consistency } : {}),
        ...(o.timeLimitSeconds ? { timeLimitSeconds: o.timeLimitSeconds } : {}),
        independent: o.independent ?? false,
        nilReadIsUnknown: o.nilReadIsUnknown ?? false,
      })
    },
  },
  stats: { description: 'ok/fail/info counts per operation; unknown (exit 2) if some operation never succeeded', make: () => stats() },
}

export function namedChecker(name: string, options: NamedCheckerOptions): Checker {
  const c = checkers[name]
  if (!c) throw new UnknownNameError('checker', name, Object.keys(checkers))
  return c.make(options)
}

export function listCheckers(): { name: string; description: string }[] {
  return Object.entries(checkers).map(([name, c]) => ({ name, description: c.description }))
}
