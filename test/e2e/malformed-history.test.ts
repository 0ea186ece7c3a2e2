/**
 * `dstest check` on histories that cannot be judged as written: refused with
 * exit 3 and the line, never a verdict and never a stack trace.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { dstest, requireBuild, tempDir } from './helpers.js'

beforeAll(requireBuild)

const refuses = (name: string, text: string, line: number, why: RegExp): void => {
  const dir = tempDir()
  const path = join(dir, name)
  writeFileSync(path, text)
  const r = dstest(['check', path, '--checker', 'linearizable', '--model', 'register', '--store', join(dir, 'store')])
  expect(r.code).toBe(3)
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toContain(`${name}:${line}:`)
  expect(lines[0]).toMatch(why)
  expect(r.stdout).not.toMatch(/verdict/)
}

const jsonl = (...ops: string[]): string => ops.map((o) => o + '\n').join('')

describe('dstest check refuses a malformed history (exit 3, one line naming it)', () => {
  it('integers above 2^53 in .jsonl are never rounded into a verdict', () => {
    refuses(
      'big.jsonl',
      jsonl(
        '{"index":0,"time":1,"type":"invoke","process":0,"f":"write","value":9007199254740993}',
        '{"index":1,"time":2,"type":"ok","process":0,"f":"write","value":9007199254740993}',
        '{"index":2,"time":3,"type":"invoke","process":1,"f":"read","value":null}',
        '{"index":3,"time":4,"type":"ok","process":1,"f":"read","value":9007199254740992}',
      ),
      1,
      /9007199254740993 is beyond/,
    )
  })
  it('a completion without an invocation', () => {
    refuses('orphan.jsonl', jsonl('{"index":0,"time":1,"type":"ok","process":0,"f":"write","value":1}'), 1, /never invoked/)
  })
  it('a completion without an invocation in a Jepsen .edn or .json history (the checker used to crash: exit 2, "record 0")', () => {
    refuses('orphan.edn', '{:type :invoke, :process 0, :f :write, :value 1}\n{:type :ok, :process 0, :f :write, :value 1}\n{:type :ok, :process 1, :f :read, :value 1}\n', 3, /process 1 completes an operation \(ok read\) it never invoked/)
    refuses('orphan.json', '[{"type":"ok","process":0,"f":"write","value":1}]\n', 1, /process 0 completes an operation \(ok write\) it never invoked/)
    refuses('twice.edn', '{:type :invoke, :process 0, :f :write, :value 1}\n{:type :invoke, :process 0, :f :write, :value 2}\n', 2, /invokes again while its invocation on line 1 is still open/)
  })
  it('records out of order and duplicate indices', () => {
    const inv = '{"index":4,"time":1,"type":"invoke","process":0,"f":"write","value":1}'
    refuses('order.jsonl', jsonl(inv, '{"index":2,"time":2,"type":"ok","process":0,"f":"write","value":1}'), 2, /out of order/)
    refuses('dup.jsonl', jsonl(inv, '{"index":4,"time":2,"type":"ok","process":0,"f":"write","value":1}'), 2, /repeats/)
  })
  it('a value nested too deep, in .jsonl and in .edn', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`
    refuses('deep.jsonl', jsonl(`{"index":0,"time":1,"type":"invoke","process":0,"f":"write","value":${deep}}`), 1, /nested/)
    refuses('deep.edn', `{:type :invoke, :process 0, :f :write, :value 1}\n{:type :ok, :process 0, :f :write, :value ${deep}}\n`, 2, /nested/)
  })
})
