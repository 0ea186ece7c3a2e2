// The ZooKeeper example is written as a user would write it: against dstest's
// public API ('dstest'), Node's built-ins, its client library and its own files.
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const DIR = resolve(import.meta.dirname, '../../../../examples/zookeeper')

describe('the ZooKeeper example', () => {
  it('imports only the public API, node built-ins, node-zookeeper-client and its own files', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'))
    expect(files).toContain('target.ts')
    for (const file of files) {
      const text = readFileSync(join(DIR, file), 'utf8')
      for (const [, spec] of text.matchAll(/^import [^;]*? from '([^']+)'/gms)) {
        const allowed = spec === 'dstest' || spec === 'node-zookeeper-client' || (spec!.startsWith('node:') && builtinModules.includes(spec!.slice(5))) || /^\.\/[\w-]+\.js$/.test(spec!)
        expect(allowed, `${file} imports ${spec}`).toBe(true)
      }
    }
  })
})
