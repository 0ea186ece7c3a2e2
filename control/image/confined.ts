/**
 * Runs a host command (debootstrap, a chroot's apt-get) so that nothing it
 * starts or mounts outlives it or reaches the rest of the machine: a private
 * mount namespace (its /proc mounts vanish with it), a PID namespace (when the
 * command ends, every process it left, such as a daemon a package script
 * started, is killed), and a parent-death signal (if dstest dies, so does the
 * command). argv only, never a shell string.
 */
import { spawn } from 'node:child_process'

export interface ConfinedOptions {
  /** Mount a fresh /proc here (a chroot's /proc) inside the namespace. */
  procAt?: string
  /** The whole environment of the command. */
  env: Record<string, string>
  /** Kill the command at this time (ms since the epoch). */
  deadline: number
  signal?: AbortSignal
  /** Each line of output (stdout and stderr), as it comes. */
  onLine?: (line: string) => void
}

export interface ConfinedResult {
  exitCode: number
  /** The last lines of output, for error messages. */
  tail: string[]
  timedOut: boolean
  aborted: boolean
}

/** The argv that runs `argv` confined. */
export function confinedArgv(argv: readonly string[], procAt?: string): string[] {
  return [
    ...['setpriv', '--pdeathsig', 'KILL', '--'],
    ...['unshare', '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child'],
    ...(procAt ? [`--mount-proc=${procAt}`] : []),
    '--',
    ...argv,
  ]
}

const TAIL = 40

export function runConfined(argv: readonly string[], options: ConfinedOptions): Promise<ConfinedResult> {
  return new Promise((resolve) => {
    const [cmd, ...args] = confinedArgv(argv, options.procAt)
    const tail: string[] = []
    let timedOut = false
    let aborted = false
    let settled = false
    const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env })
    const kill = (): void => {
      child.kill('SIGKILL')
    }
    const timer = setTimeout(() => {
      timedOut = true
      kill()
    }, Math.max(0, options.deadline - Date.now()))
    const onAbort = (): void => {
      aborted = true
      kill()
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted) onAbort()
    const lineReader = (): ((chunk: Buffer) => void) => {
      let rest = ''
      return (chunk) => {
        const lines = (rest + chunk.toString('utf8')).split(/\r?\n|\r/)
        rest = lines.pop() ?? ''
        for (const line of lines) {
          if (!line.trim()) continue
          tail.push(line)
          if (tail.length > TAIL) tail.shift()
          options.onLine?.(line)
        }
      }
    }
    child.stdout.on('data', lineReader())
    child.stderr.on('data', lineReader())
    const finish = (exitCode: number): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      resolve({ exitCode, tail, timedOut, aborted })
    }
    child.on('error', (e) => {
      tail.push(e.message)
      finish(-1)
    })
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : -1)))
  })
}
