import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { faketimeEnv, faketimeSpec, parseFaketimeSpec, writeFaketimeOffset } from '../../../control/faketime.js'

describe('faketime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dstest-ft-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('the environment for a target process', () => {
    expect(faketimeEnv()).toEqual({
      LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
      FAKETIME_TIMESTAMP_FILE: '/dstest/control/faketime',
      FAKETIME_NO_CACHE: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
      FAKETIME_FORCE_MONOTONIC_FIX: '0',
    })
  })

  it('offsets as libfaketime reads them: signed seconds with milliseconds', () => {
    expect(faketimeSpec(1500)).toBe('+1.500\n')
    expect(faketimeSpec(-120_000)).toBe('-120.000\n')
    expect(faketimeSpec(0)).toBe('+0.000\n')
    expect(faketimeSpec(-7)).toBe('-0.007\n')
    for (const ms of [0, 1, -1, 999, 1500, -86_400_000]) expect(parseFaketimeSpec(faketimeSpec(ms))).toBe(ms)
    expect(() => faketimeSpec(Number.NaN)).toThrow()
  })

  it('writes the offset file atomically (no temp file left)', async () => {
    await writeFaketimeOffset(dir, 2500)
    await writeFaketimeOffset(dir, -3000)
    expect(readFileSync(join(dir, 'faketime'), 'utf8')).toBe('-3.000\n')
    expect(readdirSync(dir)).toEqual(['faketime'])
  })
})
