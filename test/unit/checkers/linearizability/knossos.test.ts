// Knossos-origin histories (via elle-cli), verdicts from elle-cli's test.sh
// (see test/fixtures/README.md). `.json` conversions are read where
// they exist; the rest through the test-local EDN reader.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkOperationsSync, models, operationsFromJepsen, type JepsenRecord } from '../../../../checkers/linearizability/index.js'
import { readEdnHistory } from './edn-fixture.js'

const DATA = new URL('../../../fixtures/elle/ligurio-elle-cli/histories/knossos/', import.meta.url).pathname

function records(path: string): JepsenRecord[] {
  const json = path.replace(/\.edn$/, '.json')
  if (existsSync(json)) return JSON.parse(readFileSync(json, 'utf8')) as JepsenRecord[]
  return readEdnHistory(readFileSync(path, 'utf8')) as unknown as JepsenRecord[]
}

// Knossos's register reads a completed `nil` as "value not known".
const knossos = { nilReadIsUnknown: true }

describe('Knossos histories', () => {
  const bad = readdirSync(`${DATA}cas-register/bad`).filter((f) => f.endsWith('.edn'))

  it('has the six bad cas-register histories', () => {
    expect(bad).toHaveLength(6)
  })

  for (const file of bad) {
    it(`cas-register/bad/${file} is illegal`, () => {
      const ops = operationsFromJepsen(records(`${DATA}cas-register/bad/${file}`), knossos)
      expect(ops.length).toBeGreaterThan(0)
      expect(checkOperationsSync(models['cas-register'](), ops).result).toBe('illegal')
    })
  }

  it('cas-register/good/memstress3-9 is ok, from .json and from .edn alike', () => {
    const fromJson = operationsFromJepsen(records(`${DATA}cas-register/good/memstress3-9.json`), knossos)
    const fromEdn = operationsFromJepsen(readEdnHistory(readFileSync(`${DATA}cas-register/good/memstress3-9.edn`, 'utf8')) as unknown as JepsenRecord[], knossos)
    expect(fromEdn).toEqual(fromJson)
    expect(checkOperationsSync(models['cas-register'](), fromJson).result).toBe('ok')
  })

  it('mutex/bad/etcd is illegal (failed releases dropped)', () => {
    const ops = operationsFromJepsen(records(`${DATA}mutex/bad/etcd.edn`))
    const r = checkOperationsSync(models.mutex(), ops, { verbose: true })
    expect(r.result).toBe('illegal')
    expect(r.partitions?.[0]?.failure?.stuck.length).toBeGreaterThan(0)
  })
})
