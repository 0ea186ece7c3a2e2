/**
 * A layer that names Debian packages over SSH: nothing is installed on the
 * hosts, so a host that cannot show it has them stops the run before the test,
 * naming the host, and leaves nothing behind.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { isDstestError } from '../../../core/errors.js'
import { parseSpec } from '../../../core/spec.js'
import { sshRuntime } from '../../../run/runtimes.js'
import { bedDown, bedUp, describeBed, leftoversOnBed, type Bed } from './helpers.js'

let bed: Bed | undefined

describeBed('SSH runtime and Debian packages', () => {
  beforeAll(() => {
    bed = bedUp('packages', 1)
  }, 180_000)
  afterAll(() => bedDown(bed))

  it('a host without dpkg-query (the test bed has none) is refused, named, with nothing left on it', async () => {
    const settings = parseSpec({ nodesFile: bed!.nodesFile, sshKey: bed!.key, knownHosts: bed!.knownHosts })
    const runtime = await sshRuntime(settings, {}, { name: 'it-packages', packages: ['netcat-openbsd'] })
    const err = await runtime.createCluster({ runId: `it-ssh-packages-${process.pid}`, nodes: 1 }).catch((e: unknown) => e)
    expect(isDstestError(err) && [err.code, err.exitCode]).toEqual(['E_CLUSTER', 4])
    expect((err as Error).message).toMatch(/^n1 \(.*\): the target needs Debian packages \(netcat-openbsd\), and the host has no dpkg-query to check them$/)
    expect(leftoversOnBed(bed!)).toEqual([])
  })
})
