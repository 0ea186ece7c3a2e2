/**
 * The Raft library (targets/server-kit/raft/) with a state machine of its
 * own, three or five servers in this process over a simulated network
 * (in-process.ts): election, replication and results, ReadIndex reads, a
 * proposal lost with its leader, snapshots sent to a server that fell
 * behind, and recovery from disk.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { StateMachine } from '../../../../../targets/server-kit/raft/messages.js'
import { InProcessCluster, sleep } from './in-process.js'

/** The commands applied so far, in order; a command's result is how many there are then. */
class Appended implements StateMachine<string, number> {
  items: string[] = []
  apply(command: string): number {
    this.items.push(command)
    return this.items.length
  }
  snapshot(): unknown {
    return [...this.items]
  }
  restore(state: unknown): void {
    this.items = [...(state as string[])]
  }
}

let cluster: InProcessCluster<string, number, Appended> | undefined
afterEach(() => {
  cluster?.close()
  cluster = undefined
})

const start = (size: number, options: ConstructorParameters<typeof InProcessCluster>[2] = () => ({})): InProcessCluster<string, number, Appended> =>
  (cluster = new InProcessCluster(
    Array.from({ length: size }, (_, i) => `n${i + 1}`),
    () => new Appended(),
    options,
  ))

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await sleep(10)
  }
}

describe('Raft library', () => {
  it('commits proposals in one order on every server and answers each with its result', async () => {
    const c = start(3)
    const leader = await c.leader()
    const replies = await Promise.all(['a', 'b', 'c'].map((x) => leader.node.propose(x)))
    expect(replies.map((r) => r.ok && r.value).sort()).toEqual([1, 2, 3])
    expect(leader.sm.items.sort()).toEqual(['a', 'b', 'c'])
    await until('every server applied them', () => c.ids.every((id) => c.member(id).sm.items.length === 3))
    const orders = c.ids.map((id) => c.member(id).sm.items.join())
    expect(new Set(orders).size).toBe(1)
    const others = c.ids.filter((id) => id !== leader.id).map((id) => c.member(id).node.status())
    expect(others.every((s) => s.role === 'follower' && s.leader === leader.id)).toBe(true)
  })

  it('refuses proposals and reads on a follower with not-leader, naming the leader', async () => {
    const c = start(3)
    const leader = await c.leader()
    const follower = c.member(c.ids.find((id) => id !== leader.id)!)
    await until('the follower knows the leader', () => follower.node.leader === leader.id)
    expect(await follower.node.propose('x')).toEqual({ ok: false, error: 'not-leader', leader: leader.id })
    expect(await follower.node.read(() => follower.sm.items)).toEqual({ ok: false, error: 'not-leader', leader: leader.id })
  })

  it('reads through ReadIndex see every acknowledged proposal, and a cut-off leader never answers a read', async () => {
    const c = start(3)
    const old = await c.leader()
    expect(await old.node.propose('first')).toMatchObject({ ok: true })
    expect(await old.node.read(() => [...old.sm.items])).toEqual({ ok: true, value: ['first'] })
    c.cut.add(old.id)
    const next = await c.leader(c.ids.filter((id) => id !== old.id))
    expect(await next.node.propose('second')).toMatchObject({ ok: true })
    expect(await next.node.read(() => [...next.sm.items])).toEqual({ ok: true, value: ['first', 'second'] })
    // The old leader still holds only 'first'; it must not serve it as current.
    expect(await old.node.read(() => [...old.sm.items])).toMatchObject({ ok: false, error: 'not-leader' })
  })

  it('answers leadership-lost for a proposal whose entry another leader replaced', async () => {
    const c = start(3)
    const old = await c.leader()
    c.cut.add(old.id)
    const lost = old.node.propose('lost') // appended on the old leader only
    const next = await c.leader(c.ids.filter((id) => id !== old.id))
    expect(await next.node.propose('won')).toMatchObject({ ok: true })
    c.cut.delete(old.id)
    expect(await lost).toMatchObject({ ok: false, error: 'leadership-lost' })
    await until('the old leader applied the new entry', () => old.sm.items.includes('won'))
    expect(old.sm.items).not.toContain('lost')
  })

  it('compacts its log into snapshots and brings a server that fell behind up to date with one', async () => {
    const c = start(3, () => ({ snapshotEvery: 10 }))
    const leader = await c.leader()
    const lagging = c.ids.find((id) => id !== leader.id)!
    c.crash(lagging)
    for (let i = 0; i < 50; i++) expect(await leader.node.propose(`v${i}`)).toMatchObject({ ok: true })
    const s = leader.node.status()
    expect(s.snapshotIndex).toBeGreaterThan(40)
    expect(s.logLength).toBeLessThan(15)
    const back = c.add(lagging)
    await until('the lagging server caught up', () => back.sm.items.length === 50)
    expect(back.sm.items).toEqual(leader.sm.items)
    expect(back.node.status().snapshotIndex).toBeGreaterThan(0)
  })

  it('recovers its term, log and state machine from disk after every server crashed', async () => {
    const c = start(3, () => ({ snapshotEvery: 7 }))
    const leader = await c.leader()
    for (let i = 0; i < 20; i++) expect(await leader.node.propose(`d${i}`)).toMatchObject({ ok: true })
    const term = leader.node.status().term
    const items = [...leader.sm.items]
    for (const id of c.ids) c.crash(id)
    for (const id of c.ids) c.add(id)
    const after = await c.leader()
    expect(after.node.status().term).toBeGreaterThan(term)
    expect(await after.node.read(() => [...after.sm.items])).toEqual({ ok: true, value: items })
  })
})
