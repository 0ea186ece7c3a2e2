/**
 * The live view (ink): one screen that redraws twice a second with the run's
 * id, phase, time since the workload started and time left, completed client
 * operations per second, ok/fail/info counts, the faults in force and the
 * last nemesis events, in words ("partition majority: n1 | n2 n3 n4 | n5",
 * "kill n3"), never a JSON value cut short. Times count from the start of the
 * workload, as the history does. Used on a terminal; CI logs get `line`.
 */
import { Box, Text, render, type Instance } from 'ink'
import type { Op } from '../../core/op.js'
import { bannerLine, LineReporter } from './line.js'
import { verdictWord, type PhaseName, type Reporter, type RunInfo, type RunSummary } from '../../run/reporter.js'
import { OpCounts } from './op-counts.js'
import { faultDetail, faultKindOf, faultSentence } from '../../report/fault-words.js'

interface ViewState {
  info: RunInfo | undefined
  phase: string
  /** Seconds since the workload started (undefined before it). */
  elapsed: number | undefined
  rate: number
  counts: { ok: number; fail: number; info: number }
  faults: string[]
  events: string[]
}

function LiveView({ s }: { s: ViewState }) {
  const limit = s.info?.timeLimitSeconds ?? 0
  const elapsed = s.elapsed ?? 0
  const remaining = Math.max(0, limit - elapsed)
  const width = 30
  const done = s.elapsed === undefined ? 0 : s.phase === 'running' ? Math.min(width, Math.round((elapsed / Math.max(1, limit)) * width)) : width
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text>
        <Text bold>dstest</Text> {s.info?.testName} <Text dimColor>run={s.info?.runId} seed={s.info?.seed}</Text>
      </Text>
      <Text>
        phase <Text color="cyan">{s.phase}</Text>  [{'#'.repeat(done)}{'.'.repeat(width - done)}]  {s.elapsed === undefined ? `${limit}s of workload` : `${elapsed.toFixed(0)}s / ${limit}s (${remaining.toFixed(0)}s left)`}
      </Text>
      <Text>
        {s.rate.toFixed(0)} client ops/s   <Text color="green">ok {s.counts.ok}</Text>   <Text color="yellow">fail {s.counts.fail}</Text>   <Text color="red">info {s.counts.info}</Text>
      </Text>
      <Text>
        faults: {s.faults.length ? <Text color="magenta">{s.faults.join(', ')}</Text> : <Text dimColor>none</Text>}
      </Text>
      {s.events.map((e, i) => (
        <Text key={i} dimColor>
          {e}
        </Text>
      ))}
    </Box>
  )
}

export class LiveReporter implements Reporter {
  private counts = new OpCounts()
  private state: ViewState = { info: undefined, phase: 'starting', elapsed: undefined, rate: 0, counts: { ok: 0, fail: 0, info: 0 }, faults: [], events: [] }
  private instance: Instance | undefined
  private timer: NodeJS.Timeout | undefined
  /** Wall clock of the workload's start (undefined before it). */
  private workloadStart: number | undefined
  private lastCompleted = 0
  private lastTick = 0
  /** The faults in force, by kind, in words; and the nemesis op waiting for its completion. */
  private faultWords = new Map<string, string>()
  private nemesisInvoke: Op | undefined
  /** Verdicts and summaries are printed as plain lines once the view is gone. */
  private readonly lines: LineReporter

  constructor(private readonly stdout: NodeJS.WriteStream = process.stdout) {
    this.lines = new LineReporter((l) => this.stdout.write(l + '\n'))
  }

  start(info: RunInfo): void {
    this.counts = new OpCounts()
    this.workloadStart = undefined
    this.lastTick = Date.now()
    this.lastCompleted = 0
    this.faultWords = new Map()
    this.nemesisInvoke = undefined
    // The banner as a plain line first: it stays in the scrollback when the view is gone.
    this.stdout.write(bannerLine(info) + '\n')
    this.state = { info, phase: 'starting', elapsed: undefined, rate: 0, counts: { ok: 0, fail: 0, info: 0 }, faults: [], events: [] }
    this.instance = render(<LiveView s={this.state} />, { stdout: this.stdout, patchConsole: false, exitOnCtrlC: false })
    this.timer = setInterval(() => this.redraw(), 500)
    this.timer.unref()
  }

  private redraw(): void {
    const now = Date.now()
    const c = this.counts
    const rate = ((c.completed - this.lastCompleted) * 1000) / Math.max(1, now - this.lastTick)
    this.lastCompleted = c.completed
    this.lastTick = now
    this.state = {
      ...this.state,
      elapsed: this.workloadStart === undefined ? undefined : (now - this.workloadStart) / 1000,
      rate,
      counts: { ok: c.ok, fail: c.fail, info: c.info },
      faults: [...this.faultWords].map(([kind, words]) => (words ? `${kind} (${words})` : kind)),
    }
    this.instance?.rerender(<LiveView s={this.state} />)
  }

  phase(name: PhaseName, at?: number): void {
    if (name === 'running') {
      // Throughput counts from here, not from the cluster's start.
      this.workloadStart = Date.now() - (at ?? 0) * 1000
      this.lastTick = this.workloadStart
      this.lastCompleted = this.counts.completed
    }
    this.state = { ...this.state, phase: name }
    this.redraw()
  }

  op(op: Op): void {
    this.counts.add(op)
    if (op.process !== 'nemesis') return
    if (op.type === 'invoke') {
      this.nemesisInvoke = op
      return
    }
    const planned = this.nemesisInvoke?.f === op.f ? this.nemesisInvoke.value : undefined
    this.nemesisInvoke = undefined
    const kind = faultKindOf(op.f)
    if (kind && op.type !== 'fail') {
      if (kind.opens) this.faultWords.set(kind.kind, faultDetail(op.f, op.value ?? planned, planned))
      else this.faultWords.delete(kind.kind)
    }
    // The history's time: seconds since the workload started.
    const t = (op.time / 1e9).toFixed(1)
    const outcome = op.type === 'ok' ? '' : op.type === 'fail' ? ` (failed${op.error ? `: ${op.error}` : ''})` : ` (outcome unknown${op.error ? `: ${op.error}` : ''})`
    const line = `${t}s ${faultSentence(op.f, op.value ?? planned, planned)}${outcome}`
    this.state = { ...this.state, events: [...this.state.events, line].slice(-4) }
  }

  warn(message: string): void {
    this.state = { ...this.state, events: [...this.state.events, `warning: ${message}`].slice(-4) }
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (this.instance) {
      this.redraw()
      this.instance.unmount()
      this.instance = undefined
    }
  }

  finish(s: RunSummary): void {
    this.stop()
    this.lines.finish(s)
  }

  summary(runs: RunSummary[]): void {
    this.lines.summary(runs)
  }

  close(): void {
    this.stop()
    this.lines.close()
  }
}

export { verdictWord }
