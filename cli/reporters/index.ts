import type { TestSpec } from '../../core/spec.js'
import { JsonReporter } from './json.js'
import { LineReporter } from './line.js'
import type { Reporter } from './reporter.js'

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
  switch (spec.reporter) {
    case 'json':
      return new JsonReporter(undefined, interval)
    case 'quiet':
      return new QuietReporter()
    case 'line':
    default:
      return new LineReporter(undefined, interval)
  }
}
