/** The durable files every bundled server keeps: append and read back, atomic replace, torn lines, failures named. */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppendFile, parseJsonLines, readJsonFile, StorageError, writeAtomically } from '../../../../targets/server-kit/durable-file.js'
import { tempDirs } from '../temp-dirs.js'

const fresh = tempDirs('durable-file-')

describe('durable files', () => {
  it('appends, syncs, replaces atomically and keeps appending after a replace', () => {
    const dir = fresh()
    const f = new AppendFile(join(dir, 'log.jsonl'))
    expect(f.read()).toBe('')
    f.write('{"a":1}\n')
    f.write('{"a":2}\n')
    f.sync()
    expect(f.read()).toBe('{"a":1}\n{"a":2}\n')
    f.replace('{"a":2}\n')
    f.write('{"a":3}\n')
    f.close()
    expect(new AppendFile(join(dir, 'log.jsonl')).read()).toBe('{"a":2}\n{"a":3}\n')
    expect(readdirSync(dir)).toEqual(['log.jsonl']) // no temp file left
  })

  it('writes whole files atomically and reads JSON back (undefined when absent)', () => {
    const dir = fresh()
    expect(readJsonFile(join(dir, 'meta.json'))).toBeUndefined()
    writeAtomically(join(dir, 'meta.json'), JSON.stringify({ term: 3 }))
    writeAtomically(join(dir, 'meta.json'), JSON.stringify({ term: 4 }))
    expect(readJsonFile(join(dir, 'meta.json'))).toEqual({ term: 4 })
    expect(existsSync(join(dir, 'meta.json.tmp'))).toBe(false)
  })

  it('reports a failed write as a StorageError naming the file', () => {
    const dir = fresh()
    const gone = join(dir, 'missing', 'meta.json')
    expect(() => writeAtomically(gone, '{}')).toThrow(StorageError)
    expect(() => writeAtomically(gone, '{}')).toThrow(`${gone}: ENOENT`)
    expect(() => new AppendFile(join(dir, 'missing', 'log.jsonl'))).toThrow(StorageError)
  })

  it('drops a torn last line and refuses a torn line before the last', () => {
    expect(parseJsonLines('{"a":1}\n{"a":2}\n', 'f')).toEqual({ values: [{ a: 1 }, { a: 2 }], torn: false })
    expect(parseJsonLines('{"a":1}\n{"a":', 'f')).toEqual({ values: [{ a: 1 }], torn: true })
    expect(() => parseJsonLines('{"a":1}\n{"a":\n{"a":3}\n', 'log.jsonl')).toThrow('log.jsonl:2: unreadable line')
  })
})
