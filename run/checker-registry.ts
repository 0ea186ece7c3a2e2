/**
 * Checkers by name, for `dstest check --checker NAME` and `dstest list checkers`.
 * A new checker is one entry in `checkers` below: its description and how to
 * build it from the options `dstest check` passes.
 */
import type { Checker } from '../checkers/checker.js'
import { linearizable } from '../checkers/linearizable.js'
import { stats } from '../checkers/stats.js'
import { setChecker } from '../checkers/set.js'
import { bankChecker } from '../checkers/bank.js'
import { counterChecker } from '../checkers/counter.js'
import { uniqueIdsChecker } from '../checkers/unique-ids.js'
import { queueChecker } from '../checkers/queue.js'
import { longForkChecker } from '../checkers/long-fork.js'
import { listAppend, rwRegister } from '../checkers/elle.js'
import { modelNames } from '../checkers/linearizability/index.js'
import { UnknownNameError, UsageError } from '../core/errors.js'

export interface NamedCheckerOptions {
  model?: string | undefined
  consistency?: 'linearizable' | 'sequential' | undefined
  timeLimitSeconds?: number | undefined
  /** Values are [key, v]: check each key on its own. */
  independent?: boolean | undefined
  nilReadIsUnknown?: boolean | undefined
  /** Checker options by name (`--option name=value`). */
  options?: Readonly<Record<string, unknown>> | undefined
  /** For the transactional checkers: the models the history must satisfy. */
  consistencyModels?: string[] | undefined
}

const elleOptions = (checker: string, o: NamedCheckerOptions) => {
  const opts = own(checker, o, { garbageReads: 'boolean' })
  return {
    ...(o.consistencyModels ? { consistencyModels: o.consistencyModels } : {}),
    ...(o.timeLimitSeconds ? { timeLimitSeconds: o.timeLimitSeconds } : {}),
    ...(typeof opts.garbageReads === 'boolean' ? { garbageReads: opts.garbageReads } : {}),
  }
}

/** The checker's own options, each of the expected kind; an unknown name or a bad value is refused (exit 3). */
function own(checker: string, o: NamedCheckerOptions, kinds: Record<string, 'boolean' | 'number' | 'integer'>): Record<string, unknown> {
  const given = o.options ?? {}
  for (const [name, v] of Object.entries(given)) {
    const kind = kinds[name]
    if (!kind) throw new UsageError(`checker ${checker} has no option '${name}'`, Object.keys(kinds).length ? `its options are: ${Object.keys(kinds).join(', ')}` : 'it takes no options')
    if (kind === 'boolean' ? typeof v !== 'boolean' : typeof v !== 'number' || (kind === 'integer' && !Number.isInteger(v))) {
      throw new UsageError(`checker ${checker}: option ${name} must be ${kind === 'boolean' ? 'true or false' : `a${kind === 'integer' ? 'n integer' : ' number'}`}, got ${JSON.stringify(v)}`)
    }
  }
  return given
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
  'list-append': {
    description:
      'transactions of appends to lists and whole-list reads (Elle): G0...G2 cycles, aborted/intermediate/garbage reads and more; --consistency-models (default strict-serializable); --option garbageReads=false as Elle',
    make: (o) => listAppend(elleOptions('list-append', o)),
  },
  'rw-register': {
    description:
      'transactions of register writes and reads (Elle): the same anomalies, with version orders inferred from the reads; --consistency-models (default strict-serializable); --option garbageReads=false as Elle',
    make: (o) => rwRegister(elleOptions('rw-register', o)),
  },
  stats: { description: 'ok/fail/info counts per operation; unknown (exit 2) if some operation never succeeded', make: () => stats() },
  set: {
    description: 'set-full: every acknowledged add must stay in later reads (lost, unexpected, duplicated are anomalies; --option linearizable=true adds stale reads); --independent for [key, v] values',
    make: (o) => setChecker({ independent: o.independent ?? false, linearizable: own('set', o, { linearizable: 'boolean' }).linearizable === true }),
  },
  bank: {
    description: 'every read sums to the total, shows every account, and (unless --option negativeBalances=true) no balance below zero; total and accounts from the first read unless --option total=N',
    make: (o) => {
      const opts = own('bank', o, { negativeBalances: 'boolean', total: 'number' })
      return bankChecker({ negativeBalances: opts.negativeBalances === true, ...(typeof opts.total === 'number' ? { total: opts.total } : {}) })
    },
  },
  counter: {
    description: 'each read between the adds acknowledged before it began and every add that may have happened by its end (--option initial=N)',
    make: (o) => {
      const opts = own('counter', o, { initial: 'number' })
      return counterChecker(typeof opts.initial === 'number' ? { initial: opts.initial } : {})
    },
  },
  'unique-ids': {
    description: 'no id acknowledged twice; reports the count and the range',
    make: (o) => {
      own('unique-ids', o, {})
      return uniqueIdsChecker()
    },
  },
  queue: {
    description: 'total queue: every acknowledged enqueue dequeued exactly once (lost, duplicated, unexpected); --option fifo=true also checks FIFO order, --option atLeastOnce=true allows duplicates',
    make: (o) => {
      const opts = own('queue', o, { fifo: 'boolean', atLeastOnce: 'boolean' })
      return queueChecker({ fifo: opts.fifo === true, atLeastOnce: opts.atLeastOnce === true, ...(o.timeLimitSeconds ? { fifoTimeLimitSeconds: o.timeLimitSeconds } : {}) })
    },
  },
  'long-fork': {
    description: 'no two reads of a key group saw its writes in incompatible orders (snapshot isolation); --option groupSize=N checks every read covers N keys',
    make: (o) => {
      const opts = own('long-fork', o, { groupSize: 'integer' })
      return longForkChecker(typeof opts.groupSize === 'number' ? { groupSize: opts.groupSize } : {})
    },
  },
}

export function namedChecker(name: string, options: NamedCheckerOptions): Checker {
  const c = checkers[name]
  if (!c) throw new UnknownNameError('checker', name, Object.keys(checkers))
  if (options.consistencyModels && name !== 'list-append' && name !== 'rw-register') {
    throw new UsageError(`--consistency-models is for the transactional checkers, not ${name}`, 'use it with --checker list-append or rw-register')
  }
  return c.make(options)
}

export function listCheckers(): { name: string; description: string }[] {
  return Object.entries(checkers).map(([name, c]) => ({ name, description: c.description }))
}
