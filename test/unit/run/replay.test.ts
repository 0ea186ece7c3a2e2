import { describe, expect, it } from 'vitest'
import { parseSpec } from '../../../core/spec.js'
import { behaviourFlags, replayCommand } from '../../../run/replay.js'

const prepared = (flags: Record<string, unknown>, configPath?: string) => ({ spec: parseSpec(flags), workload: { name: 'register' } as never, configPath })

describe('replay command and banner options', () => {
  it('names the target, workload, nemesis and time limit, then every other option that is not its default', () => {
    const p = prepared({ target: 'raft-kv', bug: 'stale-read', nemesis: 'partition,kill', partition: 'majority', nemesisTargets: 'all', concurrency: 10, rate: 50, finalTimeout: 90 })
    expect(behaviourFlags(p)).toEqual([
      ['target', 'raft-kv'],
      ['workload', 'register'],
      ['bug', 'stale-read'],
      ['time-limit', '60'],
      ['rate', '50'],
      ['final-timeout', '90'],
      ['nemesis', 'partition,kill'],
      ['nemesis-targets', 'all'],
      ['partition', 'majority'],
    ])
    expect(replayCommand(p, 7)).toBe(
      'dstest run --target raft-kv --workload register --bug stale-read --time-limit 60 --rate 50 --final-timeout 90 --nemesis partition,kill --nemesis-targets all --partition majority --seed 7',
    )
  })

  it('leaves out where the run writes and how it prints; names the config file, quoting what a shell would split', () => {
    const p = prepared({ target: 'memory', store: '/tmp/s', name: 'x', reporter: 'json', junit: 'j.xml', testCount: 5, seed: 3 }, 'my config.json')
    expect(replayCommand(p, 4)).toBe("dstest run --config 'my config.json' --target memory --workload register --time-limit 60 --nemesis none --seed 4")
    expect(replayCommand(prepared({ target: "./it's.js" }), 1)).toContain(`--target './it'\\''s.js'`)
  })
})
