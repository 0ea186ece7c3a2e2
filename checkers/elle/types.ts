/**
 * The checker's public data: options in, a result of plain JSON-serialisable
 * data out (anomaly cases, cycles with labelled steps, ruled-out models).
 */

/** Which kind of transactions the history holds. */
export type DataModel = 'list-append' | 'rw-register'

export interface ElleOptions {
  /**
   * Consistency models the history must satisfy (names or aliases, see
   * `consistencyModelNames`). An anomaly one of them forbids makes the result
   * invalid. Default: `['strict-serializable']`.
   */
  consistencyModels?: readonly string[]
  /**
   * Budget of the cycle search in each strongly connected component. Running
   * out leaves that component undecided ('unknown'), with what was found so far.
   */
  budget?: { steps?: number; ms?: number }
  /** At most this many cases are kept per anomaly type (the count of all is kept). Default 8. */
  maxCases?: number
  /**
   * Report reads of values no transaction wrote (default true). Elle does not
   * look for them; a garbage read rules out every model, read uncommitted included.
   */
  garbageReads?: boolean
}

/** A transaction as results show it. */
export interface TxnRef {
  /** Its name in this case: T1, T2, ... */
  name: string
  /** History index of its completion (of its invocation if it never completed). */
  index: number
  /** History index of its invocation. */
  invokeIndex: number
  process: number
  type: 'ok' | 'info' | 'fail'
  /** Its micro-operations, as completed (reads of an info transaction are unknown). */
  value: unknown[]
}

/** Relations between transactions, named as in Adya's thesis plus the two orders. */
export type StepType = 'ww' | 'wr' | 'rw' | 'process' | 'realtime'

/**
 * One edge of a cycle. `from`/`to` are transaction names (T1...).
 * - ww: `to` wrote `value2` to `key` right after `from`'s `value` in the version order;
 * - wr: `to` read `from`'s write `value` of `key`;
 * - rw: `from` read a version of `key` (its last element / value is `value`, null for
 *   the initial state) and `to` wrote the next version, `value2`, which `from` missed;
 * - process: both ran on `process`, `from` first;
 * - realtime: `from` completed (history index `value`) before `to` was invoked (`value2`).
 * `via` says how a register's version order was known when it was inferred from
 * more than the reads: 'initial-state', 'writes-follow-reads', 'process', 'realtime';
 * 'open' when it is one of two orders the history leaves open (see the case's `orders`).
 */
export interface CycleStep {
  type: StepType
  from: string
  to: string
  key?: unknown
  value?: unknown
  value2?: unknown
  process?: number
  via?: string
}

export interface CycleCase {
  type: string
  /**
   * The transactions of the cycle, the first named first (T1 in a case of its
   * own); the cycle returns to it. Cases nested in `orders` share the names.
   */
  cycle: TxnRef[]
  steps: CycleStep[]
  /** `T1 -wr(k5, 3)-> T2 -rw(k7, 9)-> T1` */
  text: string
  /** The cycle in plain words, with how each open order it needs was decided. */
  explanation: string
  /**
   * Orders of writes the history leaves open that the cycle needs (its steps
   * with `via: 'open'`), and how each was decided. Absent when every step holds
   * in every execution.
   */
  orders?: OpenOrder[]
}

/**
 * Two writes of one key that no read orders: the order this cycle takes them
 * in, and why the reverse was ruled out.
 */
export interface OpenOrder {
  key: unknown
  /** `first` wrote `values[0]`, which in this cycle comes before `second`'s `values[1]`. */
  first: string
  second: string
  values: [unknown, unknown]
  /**
   * 'forced': the reverse order closes `reverse`, a cycle of the kind looked
   * for. 'case': both orders were tried; `reverse` is the other case, also
   * ending in such a cycle. `reverse` is absent where an enclosing case
   * already gave it, or past the size kept in one case.
   */
  how: 'forced' | 'case'
  reverse?: CycleCase
}

/** A case found in single operations rather than in a cycle. */
export interface OpCase {
  type: string
  /** The transaction(s) involved. */
  txns: TxnRef[]
  key?: unknown
  /** The micro-operation at fault, as completed. */
  mop?: unknown[]
  /** What the case is about: the element/value read, the versions that disagree, ... */
  [field: string]: unknown
  explanation: string
}

/** A component whose search ran out of budget, or another reason the result is undecided. */
export interface UnknownCase {
  type: string
  explanation: string
  /** Anomaly types the component may have that were not decided (the verdict is unknown only if a checked model forbids one). */
  undecided?: string[]
  /** Transactions in the component (history indexes of their completions), at most 100. */
  sample?: number[]
  size?: number
}

export type AnomalyCase = CycleCase | OpCase | UnknownCase

export interface ElleStats {
  txns: number
  ok: number
  info: number
  fail: number
  keys: number
  edges: number
  /** Strongly connected components with more than one transaction. */
  cyclicComponents: number
  largestComponent: number
  ms: number
}

export interface ElleResult {
  valid: true | false | 'unknown'
  dataModel: DataModel
  /** The models checked, by their canonical names. */
  consistencyModels: string[]
  /** Every anomaly type found, sorted. */
  anomalyTypes: string[]
  /** The types among them that the checked models forbid. */
  forbidden: string[]
  /** Cases per type (at most `maxCases` each). */
  anomalies: Record<string, AnomalyCase[]>
  /** How many cases of each type were found in all. */
  counts: Record<string, number>
  /** The weakest models these anomalies rule out. */
  not: string[]
  /** Stronger models that are ruled out as a consequence. */
  alsoNot: string[]
  stats: ElleStats
  /** One line: the verdict and why. */
  summary: string
}
