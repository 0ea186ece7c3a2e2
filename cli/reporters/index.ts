import type { TestSpec } from '../../core/spec.js'
import { JsonReporter } from './json.js'
import { LineReporter } from './line.js'
import { LiveReporter } from './live.js'
import type { Reporter } from '../../run/reporter.js'

class QuietReporter implements Reporter {
  start(): void {}
  phase(): void {}
  op(): void {}
  warn(message: string): void {
    process.stderr.write(`warning: ${message}\n`)
  }
  finish(): void {}
  close(): void {}
}

export function makeReporter(spec: TestSpec): Reporter {
  const interval = spec.progressInterval * 1000
  // The live view needs a terminal; in CI and pipes the line reporter is the default.
  const choice = spec.reporter ?? (process.stdout.isTTY && !process.env.CI ? 'live' : 'line')
  switch (choice) {
    case 'json':
      return new JsonReporter(undefined, interval)
    case 'quiet':
      return new QuietReporter()
    case 'live':
      return new LiveReporter()
    case 'line':
    default:
      return new LineReporter(undefined, interval)
  }
}
