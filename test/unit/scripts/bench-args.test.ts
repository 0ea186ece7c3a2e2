import { describe, expect, it } from 'vitest'
import { splitBenchArgs } from '../../../scripts/bench-args.mjs'

describe('npm run bench arguments', () => {
  it('names come before the first -- or option; everything after, values included, goes to the benchmarks', () => {
    expect(splitBenchArgs([])).toEqual({ names: [], options: [] })
    expect(splitBenchArgs(['runner', 'lin'])).toEqual({ names: ['runner', 'lin'], options: [] })
    expect(splitBenchArgs(['matrix', '--', '--target', 'raft-kv', '--runs', '10'])).toEqual({ names: ['matrix'], options: ['--target', 'raft-kv', '--runs', '10'] })
    expect(splitBenchArgs(['throughput', '--target', 'chain-kv', '--nemesis', 'none'])).toEqual({ names: ['throughput'], options: ['--target', 'chain-kv', '--nemesis', 'none'] })
    expect(splitBenchArgs(['--', '--from', 'store/x'])).toEqual({ names: [], options: ['--from', 'store/x'] })
  })
})
