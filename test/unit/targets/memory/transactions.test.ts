import { describe, expect, it } from 'vitest'
import type { ElleCheckResult } from '../../../../checkers/elle.js'
import { listAppendWorkload } from '../../../../workloads/list-append.js'
import { rwRegisterWorkload } from '../../../../workloads/rw-register.js'
import type { Workload } from '../../../../workloads/workload.js'
import { runOnMemory } from './run-workload.js'

async function check(workload: Workload, bug?: string): Promise<ElleCheckResult> {
  const { results } = await runOnMemory(workload, { ...(bug ? { bug } : {}), seconds: 2 })
  return results.checkers[workload.name] as ElleCheckResult
}

const ruledOut = (r: ElleCheckResult): string[] => [...r.not, ...r.alsoNot]
const family = (r: ElleCheckResult, base: string): string[] => r.anomalyTypes.filter((t) => t === base || t.startsWith(`${base}-`))

describe.each([listAppendWorkload, rwRegisterWorkload])('memory transactional store: $name', (workload) => {
  it('is strict serializable by default, with some transactions aborted', async () => {
    const r = await check(workload)
    expect(r).toMatchObject({ valid: true, anomalyTypes: [], consistencyModels: ['strict-serializable'] })
    // A 2 s run: a few hundred commits on an idle machine, a few dozen at a load
    // average of 80; enough either way for a valid verdict to mean something.
    expect(r.stats.ok).toBeGreaterThanOrEqual(30)
    expect(r.stats.fail).toBeGreaterThanOrEqual(3)
  })

  it('snapshot-isolation bug: write skew, G2-item, rules out serializable and not snapshot isolation', async () => {
    const r = await check(workload, 'snapshot-isolation')
    expect(r.valid).toBe(false)
    expect(family(r, 'G2-item').length).toBeGreaterThan(0)
    expect(r.anomalyTypes.filter((t) => !t.startsWith('G2-item'))).toEqual([])
    // rw-register may see a write skew only through process or real-time order (G2-item-process), which serializable allows.
    expect(ruledOut(r)).toContain(workload.name === 'list-append' ? 'serializable' : 'strict-serializable')
    expect(ruledOut(r).filter((m) => m.includes('snapshot-isolation'))).toEqual([])
  })

  it('read-committed bug: read skew, G-single, rules out consistent view but not read committed', async () => {
    const r = await check(workload, 'read-committed')
    expect(r.valid).toBe(false)
    if (workload.name === 'list-append') expect(family(r, 'G-single-item').length).toBeGreaterThan(0)
    else expect([...family(r, 'G-single-item'), ...family(r, 'G2-item')].length).toBeGreaterThan(0)
    expect(r.anomalyTypes.filter((t) => /^(G0|G1)/.test(t))).toEqual([])
    expect(ruledOut(r).filter((m) => m.endsWith('read-committed'))).toEqual([])
    expect(ruledOut(r)).toContain('strict-serializable')
  })

  it('read-uncommitted bug: aborted reads, G1a, rule out read committed', async () => {
    const r = await check(workload, 'read-uncommitted')
    expect(r.valid).toBe(false)
    expect(r.anomalyTypes).toContain('G1a')
    expect(r.not).toContain('read-committed')
    // Write locks keep writers apart: nothing read uncommitted forbids.
    expect(family(r, 'G0')).toEqual([])
    expect(ruledOut(r).filter((m) => m.endsWith('read-uncommitted'))).toEqual([])
  })
})
