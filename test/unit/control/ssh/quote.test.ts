import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { shellCommand, shellQuote, withEnv } from '../../../../control/ssh/quote.js'

/** What a real POSIX shell makes of a command line: the argv printf receives, NUL-separated. */
function wordsSeenBySh(line: string): string[] {
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
  expect(r.status).toBe(0)
  return r.stdout.split('\0').slice(0, -1)
}

const HOSTILE = [
  '',
  ' ',
  "it's",
  "''",
  '"double" and \\back\\slash',
  '$(touch /tmp/dstest-quote-pwned)',
  '`touch /tmp/dstest-quote-pwned`',
  '${HOME} $HOME $0 $@',
  'a; rm -rf / ; b',
  'x && y || z | w & v',
  '*',
  '~root',
  '-n',
  '--',
  'line\nbreak\tand tab',
  '>out <in 2>&1',
  '#comment',
  '!history',
  '\u00e9t\u00e9 \u{1F600} \u00ff',
  "'; echo pwned; '",
]

describe('shell quoting (POSIX sh reads every word back byte for byte)', () => {
  it.each(HOSTILE.map((w) => [JSON.stringify(w), w]))('%s', (_name, word) => {
    expect(wordsSeenBySh(shellQuote(word))).toEqual([word])
  })

  it('a whole argv of hostile words stays one word each, in order, and runs nothing', () => {
    expect(wordsSeenBySh(shellCommand(HOSTILE))).toEqual(HOSTILE)
    expect(spawnSync('test', ['-e', '/tmp/dstest-quote-pwned']).status).not.toBe(0)
  })

  it('leaves plain words bare and quotes everything else', () => {
    expect(shellCommand(['iptables', '-A', 'DSTEST-1a2b', '-s', '10.0.0.2/32', '-j', 'DROP'])).toBe('iptables -A DSTEST-1a2b -s 10.0.0.2/32 -j DROP')
    expect(shellQuote('a b')).toBe("'a b'")
    expect(shellQuote("it's")).toBe("'it'\\''s'")
    expect(shellQuote('')).toBe("''")
  })

  it('refuses what no shell word can hold, and an empty command', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/)
    expect(() => shellCommand([])).toThrow(/at least one word/)
  })

  it('passes environment variables in the argv, through env, values quoted like any word', () => {
    const argv = withEnv({ FAKETIME_TIMESTAMP_FILE: "/tmp/x y/'f'", EMPTY: '' }, ['sh', '-c', 'printf "%s|%s" "$FAKETIME_TIMESTAMP_FILE" "$EMPTY"'])
    expect(argv.slice(0, 2)).toEqual(['env', '--'])
    const r = spawnSync('sh', ['-c', shellCommand(argv)], { encoding: 'utf8' })
    expect(r.stdout).toBe("/tmp/x y/'f'|")
    expect(withEnv(undefined, ['true'])).toEqual(['true'])
    expect(() => withEnv({ 'A B': '1' }, ['true'])).toThrow(/not an environment variable name/)
    expect(() => withEnv({ 'A=B': '1' }, ['true'])).toThrow(/not an environment variable name/)
    expect(() => withEnv({ A: '1' }, ['X=1'])).toThrow(/cannot hold '='/)
  })
})
