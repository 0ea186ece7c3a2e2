/**
 * Typed errors with stable codes, and the exit-code table of DESIGN.md.
 * Every error a user can see is one of these; `cli/` catches them once and maps
 * `exitCode` to the process exit status.
 */

export const ExitCode = {
  valid: 0,
  anomaly: 1,
  unknown: 2,
  badInput: 3,
  environment: 4,
  interrupted: 130,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export type ErrorCode =
  | 'E_USAGE' // bad flag or argument
  | 'E_CONFIG' // bad config file or spec
  | 'E_UNKNOWN_NAME' // unknown target / workload / nemesis / checker / model
  | 'E_HISTORY' // malformed history file
  | 'E_NOT_FOUND' // a file or store folder that does not exist
  | 'E_ENGINE' // no Docker engine, or it failed
  | 'E_CLUSTER' // cluster or target failed to start
  | 'E_REMOTE' // a node could not be reached or a command on it failed
  | 'E_UNSUPPORTED' // the environment cannot provide a fault (no netem, ...)
  | 'E_INTERNAL' // a bug in dstest
  | 'E_INTERRUPTED' // SIGINT / SIGTERM

const exitFor: Record<ErrorCode, ExitCode> = {
  E_USAGE: ExitCode.badInput,
  E_CONFIG: ExitCode.badInput,
  E_UNKNOWN_NAME: ExitCode.badInput,
  E_HISTORY: ExitCode.badInput,
  E_NOT_FOUND: ExitCode.badInput,
  E_ENGINE: ExitCode.environment,
  E_CLUSTER: ExitCode.environment,
  E_REMOTE: ExitCode.environment,
  E_UNSUPPORTED: ExitCode.environment,
  E_INTERNAL: ExitCode.environment,
  E_INTERRUPTED: ExitCode.interrupted,
}

export class DstestError extends Error {
  readonly code: ErrorCode
  /** One sentence telling the user what to do about it. */
  readonly fix: string | undefined
  constructor(code: ErrorCode, message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DstestError'
    this.code = code
    this.fix = options.fix
  }
  get exitCode(): ExitCode {
    return exitFor[this.code]
  }
  /** The one line printed to the user. */
  toLine(): string {
    return this.fix ? `${this.message}: ${this.fix}` : this.message
  }
}

export class UsageError extends DstestError {
  constructor(message: string, fix?: string) {
    super('E_USAGE', message, { fix })
    this.name = 'UsageError'
  }
}

export class UnknownNameError extends DstestError {
  constructor(kind: string, name: string, valid: readonly string[]) {
    super('E_UNKNOWN_NAME', `unknown ${kind} '${name}'`, { fix: `choose one of: ${valid.join(', ')}` })
    this.name = 'UnknownNameError'
  }
}

export class HistoryError extends DstestError {
  readonly file: string
  readonly line: number | undefined
  constructor(file: string, line: number | undefined, message: string) {
    super('E_HISTORY', `${file}${line === undefined ? '' : `:${line}`}: ${message}`, {
      fix: 'the history is malformed; fix or truncate that line and run `dstest check` again',
    })
    this.name = 'HistoryError'
    this.file = file
    this.line = line
  }
}

export class EnvironmentError extends DstestError {
  constructor(code: 'E_ENGINE' | 'E_CLUSTER' | 'E_REMOTE' | 'E_UNSUPPORTED', message: string, fix?: string, cause?: unknown) {
    super(code, message, { fix, cause })
    this.name = 'EnvironmentError'
  }
}

export class InterruptedError extends DstestError {
  readonly signal: string
  constructor(signal: string) {
    super('E_INTERRUPTED', `interrupted by ${signal}`)
    this.name = 'InterruptedError'
    this.signal = signal
  }
}

export function isDstestError(e: unknown): e is DstestError {
  return e instanceof DstestError
}
