import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { LiveReporter } from '../../../../cli/reporters/live.js'
import type { Op } from '../../../../core/op.js'

/** A stand-in terminal: ink writes frames to it, the test reads them. */
function fakeTerminal(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough
  Object.assign(stream, { isTTY: true, columns: 100, rows: 30 })
  let out = ''
  ;(stream as unknown as PassThrough).on('data', (d: Buffer) => (out += d.toString()))
  return { stream, text: () => out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') }
}

const op = (index: number, type: Op['type'], process: Op['process'], f: string, value: unknown = null): Op => ({ index, time: index, type, process, f, value })

describe('live reporter', () => {
  it('draws counts, the phase and active faults, then prints the verdict as lines', () => {
    const term = fakeTerminal()
    const r = new LiveReporter(term.stream)
    r.start({
      testName: 'raft-kv-register',
      runId: 'raft-kv-register-0a1b2c',
      seed: 42,
      target: 'raft-kv',
      workload: 'register',
      nemesis: ['partition'],
      timeLimitSeconds: 10,
      options: [['partition', 'majority']],
      replay: 'dstest run --target raft-kv --workload register --nemesis partition --time-limit 10 --partition majority --seed 42',
      runDir: '/tmp/x',
      run: 1,
      runs: 1,
    })
    r.phase('cluster')
    r.phase('setup')
    r.phase('running', 0)
    r.op(op(0, 'invoke', 0, 'read'))
    r.op(op(1, 'ok', 0, 'read', 3))
    r.op(op(2, 'invoke', 1, 'write', 4))
    r.op(op(3, 'info', 1, 'write', 4))
    const grudge = { n1: ['n2', 'n3', 'n4', 'n5'], n2: ['n1', 'n5'], n3: ['n1', 'n5'], n4: ['n1', 'n5'], n5: ['n1', 'n2', 'n3', 'n4'] }
    r.op(op(4, 'invoke', 'nemesis', 'start-partition', { topology: 'majority', grudge }))
    r.op(op(5, 'ok', 'nemesis', 'start-partition', { topology: 'majority', grudge }))
    r.op(op(6, 'invoke', 'nemesis', 'kill', { nodes: ['n3'] }))
    r.op(op(7, 'ok', 'nemesis', 'kill', { killed: ['n3'], via: 'target' }))
    r.finish({
      valid: true,
      exitCode: 0,
      summary: 'ok',
      runId: 'raft-kv-register-0a1b2c',
      runDir: '/tmp/x',
      seed: 42,
      clientOperations: 2,
      seconds: 1,
      replay: 'dstest run --target raft-kv --seed 42',
      checkers: { linearizable: { valid: true, summary: '1 key(s) linearizable' } },
    })
    r.close()
    // On a terminal ink redraws as it goes; under CI it writes only the last
    // frame, when the view is unmounted. Both leave that last frame in the output.
    const out = term.text()
    // The banner names the run id and the options that change behaviour.
    expect(out).toContain('dstest: raft-kv-register run=raft-kv-register-0a1b2c seed=42 target=raft-kv workload=register nemesis=partition time-limit=10s partition=majority')
    expect(out).toContain('run=raft-kv-register-0a1b2c seed=42')
    expect(out).toMatch(/phase running/)
    expect(out).toMatch(/ok 1\s+fail 0\s+info 1/)
    // Faults in words, not JSON cut in the middle of a grudge.
    expect(out).toContain('faults: partition (majority: n1 | n2 n3 n4 | n5), kill (n3)')
    expect(out).toMatch(/\ds partition majority: n1 \| n2 n3 n4 \| n5/)
    expect(out).toMatch(/\ds kill n3/)
    expect(out).not.toContain('{"topology"')
    // The verdict comes after the view, as plain lines.
    expect(out.lastIndexOf('verdict: VALID (exit 0) 2 client operations')).toBeGreaterThan(out.lastIndexOf('faults: partition'))
    expect(out).toContain('replay: dstest run --target raft-kv --seed 42')
  })

  it('drops a fault from the list when it is healed, and says when a fault op failed', () => {
    const term = fakeTerminal()
    const r = new LiveReporter(term.stream)
    r.start({ testName: 't', runId: 't-000001', seed: 1, target: 'raft-kv', workload: 'register', nemesis: ['pause', 'clock'], timeLimitSeconds: 10, options: [], replay: 'dstest run --seed 1', runDir: '/tmp/x', run: 1, runs: 1 })
    r.phase('running', 0)
    r.op(op(0, 'invoke', 'nemesis', 'pause', { nodes: ['n2'] }))
    r.op(op(1, 'ok', 'nemesis', 'pause', { paused: ['n2'] }))
    r.op(op(2, 'invoke', 'nemesis', 'bump-clock', { nodes: ['n1'], deltaMs: -1500 }))
    r.op({ ...op(3, 'fail', 'nemesis', 'bump-clock', null), error: 'no faketime' })
    r.op(op(4, 'invoke', 'nemesis', 'resume'))
    r.op(op(5, 'ok', 'nemesis', 'resume', { resumed: ['n2'] }))
    r.close()
    const out = term.text()
    expect(out).toMatch(/\ds pause n2/)
    expect(out).toMatch(/\ds clock n1 -1\.5 s \(failed: no faketime\)/)
    expect(out).toMatch(/\ds resume n2/)
    const last = out.slice(out.lastIndexOf('faults:'))
    expect(last).toMatch(/^faults: none/)
  })
})
