/**
 * One build of an image at a time on this machine: parallel runs of the same
 * target (`npm run bench -- matrix --parallel 3`) would otherwise each spend a
 * minute building the same package image. A lock is a file holding the
 * builder's pid; a lock whose process is gone is taken over.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DstestError, EnvironmentError } from '../../core/errors.js'

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface LockOptions {
  /** Give up at this time (ms since the epoch). */
  deadline: number
  signal?: AbortSignal
  /** Called once when another process holds the lock. */
  onWait?: (holder: number) => void
  dir?: string
}

/** Takes the lock named `key`; resolves with its release. */
export async function acquireBuildLock(key: string, options: LockOptions): Promise<() => Promise<void>> {
  const path = join(options.dir ?? tmpdir(), `dstest-build-${key}.lock`)
  let told = false
  for (;;) {
    if (options.signal?.aborted) throw new DstestError('E_INTERRUPTED', 'interrupted while waiting for another image build')
    try {
      const handle = await open(path, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      return async () => {
        const holder = Number(await readFile(path, 'utf8').catch(() => ''))
        if (holder === process.pid) await unlink(path).catch(() => undefined)
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const holder = Number(await readFile(path, 'utf8').catch(() => ''))
    // An empty file is a holder between open and write, unless it has been empty for a while.
    const abandoned = !(holder > 0) && Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? Date.now()) > 5000
    if ((holder > 0 && !alive(holder)) || abandoned) {
      await unlink(path).catch(() => undefined)
      continue
    }
    if (!told && holder > 0) {
      told = true
      options.onWait?.(holder)
    }
    if (Date.now() > options.deadline) {
      throw new EnvironmentError('E_CLUSTER', `another dstest (pid ${holder}) is still building the same image`, `wait for it, or stop it and remove ${path}`)
    }
    await new Promise((r) => setTimeout(r, 500))
  }
}
