/**
 * dstest as a library: the API a custom workload, target, checker or nemesis is
 * written against (docs/writing-a-target.md is the guide). `dstest run
 * --target ./my-target.ts --workload ./my-workload.ts` loads modules that
 * default-export `defineTarget({...})` and `defineWorkload({...})`; the
 * bundled targets are written with exactly this API.
 */
export type { Op, OpType, Process, History, Completion, OpPair } from './core/op.js'
export { pairOps } from './core/op.js'
export type { Client, ClientFactory } from './core/client.js'
export { Random } from './core/random.js'
export { DstestError, UsageError, UnknownNameError, HistoryError, EnvironmentError, ExitCode, type ErrorCode } from './core/errors.js'
export { HistoryWriter, readHistoryJsonl, streamHistoryJsonl } from './core/history/jsonl.js'
export { historyFile, historyOfOps, readAllOps, type HistorySource, type HistoryFileOptions, type PositionRange } from './core/history/source.js'
export { HistoryPositions } from './core/history/positions.js'
export { KeyIndex, readKeyBatch, type KeyBatch, type KeyIndexOptions } from './core/history/keys.js'
export { runGenerator, type RunnerOptions, type RunnerResult } from './core/runner.js'
export { TestSpecSchema, parseSpec, type TestSpec } from './core/spec.js'
export * as gen from './core/generator/index.js'
export type { Generator, GenLike, GenContext, OpTemplate, Invocation, Thread } from './core/generator/types.js'

export { compose, checkSource, mergeValidity, type Checker, type CheckerFold, type CheckResult, type CheckContext, type Validity } from './checkers/checker.js'
export { linearizable, type LinearizableOptions } from './checkers/linearizable.js'
export { listAppend, rwRegister, type ElleCheckerOptions } from './checkers/elle.js'
export { stats } from './checkers/stats.js'
export { setChecker, type SetCheckerOptions, type SetResult } from './checkers/set.js'
export { bankChecker, bankSetup, openingBalances, type BankCheckerOptions, type BankResult, type BankSetup } from './checkers/bank.js'
export { counterChecker, type CounterCheckerOptions, type CounterResult } from './checkers/counter.js'
export { uniqueIdsChecker, type UniqueIdsResult } from './checkers/unique-ids.js'
export { queueChecker, type QueueCheckerOptions, type QueueResult } from './checkers/queue.js'
export { longForkChecker, type LongForkCheckerOptions, type LongForkResult } from './checkers/long-fork.js'

export type { Remote, Cluster, Runtime, ClusterSpec, NodeInfo, ExecOptions, ExecResult } from './control/remote.js'
export type { ImageLayer, LayerFile, CopiedFile, HostBinary, GeneratedFile } from './control/image/layer.js'
export { resolveLayer, type ResolvedLayer } from './control/image/resolve.js'
export type { LayerEntry, DirEntry, LinkEntry, HostFileEntry, ContentEntry } from './control/image/entries.js'
export { faketimeEnv, FAKETIME_FILE } from './control/faketime.js'
export { nodePath } from './control/remote.js'
export type { Nemesis, NemesisPackage, NemesisContext } from './nemesis/nemesis.js'

export { defineWorkload, type Workload, type WorkloadOptions } from './workloads/workload.js'
export { registerWorkload } from './workloads/register.js'
export { setWorkload } from './workloads/set.js'
export { bankWorkload } from './workloads/bank.js'
export { counterWorkload } from './workloads/counter.js'
export { uniqueIdsWorkload } from './workloads/unique-ids.js'
export { queueWorkload, settlingQueueWorkload } from './workloads/queue.js'
export { longForkWorkload } from './workloads/long-fork.js'
export { listAppendWorkload } from './workloads/list-append.js'
export { rwRegisterWorkload } from './workloads/rw-register.js'
export {
  defineTarget,
  hasKill,
  hasPause,
  hasImage,
  hasLogFiles,
  hasPrimaries,
  type HasImage,
  type Target,
  type TargetDefinition,
  type TargetOptions,
  type ClientContext,
  type ClockSupport,
  type WorkloadRef,
  type Killable,
  type Pausable,
  type LogFiles,
  type Primaries,
} from './targets/target.js'
export { NodeProcess, type ProcessSpec, type ProcessContext, type ProcessSignal, type WaitOptions } from './targets/node-process.js'
export { performRequest, NoAnswer, type AttemptOutcome, type RequestAttempt, type PerformRequestOptions } from './targets/request-outcome.js'
export { requestJson, type JsonRequest } from './targets/http-json.js'
