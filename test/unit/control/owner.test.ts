import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { describe, expect, it } from 'vitest'
import { currentOwner, isRunOf, ownerFromLabels, ownerLabels, ownerState, runIdOf, selectForCleanup, type Owner, type OwnerState } from '../../../control/owner.js'

describe('run owners', () => {
  it('this process runs; a process that exited is gone; a reused pid is gone; another host or no owner is unknown', () => {
    const me = currentOwner()
    expect(me).toMatchObject({ host: hostname(), pid: process.pid })
    expect(me.start).toMatch(/^\d+$/)
    expect(ownerState(me)).toBe('running')
    const child = spawnSync('true')
    expect(ownerState({ host: hostname(), pid: child.pid! })).toBe('gone')
    expect(ownerState({ ...me, start: '1' })).toBe('gone')
    expect(ownerState({ ...me, host: 'elsewhere.example' })).toBe('unknown')
    expect(ownerState(undefined)).toBe('unknown')
  })

  it('travels as labels', () => {
    const me = currentOwner()
    expect(ownerFromLabels({ 'dstest.run': 'x', ...ownerLabels(me) })).toEqual(me)
    expect(ownerFromLabels({ 'dstest.run': 'x' })).toBeUndefined()
    expect(ownerFromLabels({ 'dstest.owner.host': 'h', 'dstest.owner.pid': 'nope' })).toBeUndefined()
  })

  it('run ids name their test and fit a container name', () => {
    expect(runIdOf('raft-kv-register', '0a1b2c')).toBe('raft-kv-register-0a1b2c')
    expect(isRunOf('raft-kv-register-0a1b2c', 'raft-kv-register')).toBe(true)
    expect(isRunOf('raft-kv-register-0a1b2c', 'raft-kv')).toBe(false)
    expect(isRunOf('raft-kv-register-extra-0a1b2c', 'raft-kv-register')).toBe(false)
    const long = 'x'.repeat(64)
    expect(runIdOf(long, 'abcdef').length).toBeLessThanOrEqual(63)
    expect(isRunOf(runIdOf(long, 'abcdef'), long)).toBe(true)
  })
})

describe('selectForCleanup', () => {
  const a: Owner = { host: 'h', pid: 1 }
  const b: Owner = { host: 'h', pid: 2 }
  const c: Owner = { host: 'other', pid: 3 }
  const runs = new Map<string, Owner | undefined>([
    ['t-aaaaaa', a],
    ['t-bbbbbb', b],
    ['u-cccccc', c],
    ['u-dddddd', undefined],
  ])
  const state = (o: Owner | undefined): OwnerState => (o === a ? 'gone' : o === b ? 'running' : 'unknown')

  it('by default removes only runs whose owner is gone, and says why it keeps the others', () => {
    const { remove, kept } = selectForCleanup(runs, {}, state)
    expect(remove).toEqual(['t-aaaaaa'])
    expect(kept).toEqual([
      { runId: 't-bbbbbb', why: 'its dstest (pid 2) is still running' },
      { runId: 'u-cccccc', why: 'it was started from host other, whose processes this host cannot see' },
      { runId: 'u-dddddd', why: 'it records no owner (made by an older dstest)' },
    ])
  })

  it('--run removes that run only, whatever its owner; --all every run; --name restricts to one test', () => {
    expect(selectForCleanup(runs, { runId: 't-bbbbbb' }, state)).toEqual({ remove: ['t-bbbbbb'], kept: [] })
    expect(selectForCleanup(runs, { all: true }, state).remove).toEqual([...runs.keys()])
    expect(selectForCleanup(runs, { test: 't' }, state)).toEqual({ remove: ['t-aaaaaa'], kept: [{ runId: 't-bbbbbb', why: 'its dstest (pid 2) is still running' }] })
    expect(selectForCleanup(runs, { test: 'u', all: true }, state).remove).toEqual(['u-cccccc', 'u-dddddd'])
  })
})
