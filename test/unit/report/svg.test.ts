import { describe, expect, it } from 'vitest'
import { latencySvg, throughputSvg } from '../../../report/svg.js'
import type { LatencyPoint } from '../../../report/latency.js'

describe('report plots', () => {
  it('draw a run of 500,000 operations (more points than a spread call takes arguments)', () => {
    const points: LatencyPoint[] = Array.from({ length: 500_000 }, (_, i) => ({ t: i / 50_000, ms: (i % 100) / 10, type: 'ok', f: 'read' }))
    const svg = latencySvg(points, [], 10)
    expect(svg.startsWith('<svg')).toBe(true)
    // Sampled down to at most 20,000 dots.
    expect(svg.split('<circle').length - 1).toBe(20_000)
    expect(throughputSvg([{ t: 0, ok: 5, fail: 0, info: 0 }], [], 1)).toContain('5/s')
  })
})
