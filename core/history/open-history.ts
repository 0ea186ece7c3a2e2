import { open, type FileHandle } from 'node:fs/promises'
import { HistoryError } from '../errors.js'

/** Opens a history file for reading; a missing file is a HistoryError naming it. */
export async function openHistoryForRead(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new HistoryError(path, undefined, 'no such file')
    throw e
  }
}
