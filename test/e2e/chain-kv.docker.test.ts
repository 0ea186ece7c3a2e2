/**
 * The built CLI against a real Docker engine with the bundled chain-kv target:
 * the correct chain is linearizable under partitions, the read-any bug is
 * caught, and neither run leaves a container or network behind.
 */
import { beforeAll, describe } from 'vitest'
import { requireBuild } from './helpers.js'
import { engine, validAndCaughtUnderPartitions } from './docker-helpers.js'

describe.skipIf(!engine)(`chain-kv end to end on Docker${engine ? '' : ' (skipped: no Docker engine answers `docker info`)'}`, () => {
  beforeAll(() => requireBuild())
  validAndCaughtUnderPartitions('chain-kv', { name: 'read-any', seed: 1 })
})
