/** The Raft library's durable state: term, vote, log and snapshot survive a restart; a torn last line is dropped. */
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Entry } from '../../../../../targets/server-kit/raft/messages.js'
import { replayLog, RaftStorage } from '../../../../../targets/server-kit/raft/storage.js'
import { tempDirs } from '../../temp-dirs.js'

type Command = { value: number }
class Storage extends RaftStorage<Command> {}
const e = (index: number, term: number, value = index): Entry<Command> => ({ index, term, command: { value } })
const tempDir = tempDirs('raft-storage-')

describe('RaftStorage', () => {
  it('recovers term, vote and log written by an earlier process', () => {
    const dir = tempDir()
    const s = new Storage(dir, { persistVote: true })
    s.saveMeta(3, 'n2')
    s.append([e(1, 1), e(2, 3)])
    s.flush()
    const r = new Storage(dir, { persistVote: true }).load()
    expect(r).toEqual({ term: 3, votedFor: 'n2', snapshot: null, entries: [e(1, 1), e(2, 3)] })
  })

  it('replays a rewritten suffix: an entry at i replaces i and after', () => {
    const dir = tempDir()
    const s = new Storage(dir, { persistVote: true })
    s.append([e(1, 1), e(2, 1), e(3, 1)])
    s.append([e(2, 2, 20)])
    s.flush()
    expect(new Storage(dir, { persistVote: true }).load().entries).toEqual([e(1, 1), e(2, 2, 20)])
  })

  it('drops a torn last line and keeps appending cleanly after it', () => {
    const dir = tempDir()
    const s = new Storage(dir, { persistVote: true })
    s.append([e(1, 1)])
    s.flush()
    appendFileSync(join(dir, 'log.jsonl'), '{"index":2,"te')
    const again = new Storage(dir, { persistVote: true })
    expect(again.load().entries).toEqual([e(1, 1)])
    again.append([e(2, 1)])
    again.flush()
    expect(new Storage(dir, { persistVote: true }).load().entries).toEqual([e(1, 1), e(2, 1)])
  })

  it('keeps only the entries after a snapshot', () => {
    const dir = tempDir()
    const s = new Storage(dir, { persistVote: true })
    s.append([e(1, 1), e(2, 1), e(3, 1)])
    s.flush()
    s.saveSnapshot({ lastIncludedIndex: 2, lastIncludedTerm: 1, state: { kv: [['"k"', 2]] } }, [e(3, 1)])
    const r = new Storage(dir, { persistVote: true }).load()
    expect(r.snapshot?.lastIncludedIndex).toBe(2)
    expect(r.entries).toEqual([e(3, 1)])
    expect(readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1)
  })

  it('does not write votedFor when told not to persist it (bug no-vote-persist)', () => {
    const dir = tempDir()
    new Storage(dir, { persistVote: false }).saveMeta(7, 'n3')
    expect(new Storage(dir, { persistVote: false }).load()).toMatchObject({ term: 7, votedFor: null })
  })

  it('leaves appended entries off the disk until the lazy flush (bug no-fsync)', async () => {
    const dir = tempDir()
    const s = new Storage(dir, { persistVote: true, lazyFlushMs: 100 })
    s.append([e(1, 1)])
    s.flush()
    expect(new Storage(dir, { persistVote: true }).load().entries).toEqual([])
    await new Promise((r) => setTimeout(r, 250))
    expect(new Storage(dir, { persistVote: true }).load().entries).toEqual([e(1, 1)])
    s.close()
  })

  it('rejects a log with a hole', () => {
    const text = [e(1, 1), e(3, 1)].map((x) => JSON.stringify(x)).join('\n') + '\n'
    expect(() => replayLog(text, 'log.jsonl')).toThrow(/log.jsonl:2: entry 3 follows entry 1/)
  })
})
