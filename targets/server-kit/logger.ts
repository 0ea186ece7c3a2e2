/** The node's log file (`--log`): one timestamped line per event worth reading later. */
import { appendFileSync } from 'node:fs'

export interface Logger {
  info(message: string): void
}

export function fileLogger(id: string, path: string | null): Logger {
  return {
    info(message) {
      const line = `${new Date().toISOString()} ${id} ${message}\n`
      // Synchronous so a SIGKILL right after an event still leaves it in the file.
      if (path) appendFileSync(path, line)
      else process.stderr.write(line)
    },
  }
}
