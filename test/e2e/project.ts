/**
 * A user's project folder for the end-to-end tests: the files `dstest init`
 * or the guide give it, and node_modules/dstest linked to this checkout, as
 * `npm install` does for its `file:` dependency (and @types, for tsc).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, tempDir } from './helpers.js'

/** Links node_modules/dstest (this checkout) and node_modules/@types into `dir`. */
export function linkDstest(dir: string): void {
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  symlinkSync(ROOT, join(dir, 'node_modules', 'dstest'), 'dir')
  symlinkSync(join(ROOT, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir')
}

/** A new folder holding `files`, with dstest linked. */
export function projectFrom(files: ReadonlyMap<string, string>, name = 'my-test'): string {
  const dir = join(tempDir(), name)
  mkdirSync(dir)
  for (const [file, content] of files) writeFileSync(join(dir, file), content)
  linkDstest(dir)
  return dir
}
