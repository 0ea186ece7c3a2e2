/**
 * The bundled targets are written with dstest's public API only, as a
 * user's target is: the dstest side of raft-kv and chain-kv (and the glue
 * they share) imports the package root (index.ts), Node's built-ins, its own
 * folder, the code that runs inside the nodes (server-kit/), and that shared
 * glue; nothing of core/, control/, run/ or the modules behind index.ts.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../../..')
const FILES = ['targets/raft-kv/index.ts', 'targets/raft-kv/client.ts', 'targets/chain-kv/index.ts', 'targets/chain-kv/client.ts', 'targets/node-server.ts', 'targets/json-client.ts', 'targets/workload-requests.ts']

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8')
  return [...text.matchAll(/^import [^;]*? from '([^']+)'/gms)].map((m) => m[1]!)
}

describe('the bundled targets use the public API only', () => {
  for (const file of FILES) {
    it(file, () => {
      const own = dirname(file)
      const imports = importsOf(file)
      expect(imports.length).toBeGreaterThan(0)
      for (const spec of imports) {
        if (spec.startsWith('node:')) continue
        const target = relative(ROOT, resolve(ROOT, own, spec)).replace(/\.js$/, '.ts')
        const allowed =
          target === 'index.ts' ||
          target === 'targets/node-server.ts' ||
          target === 'targets/json-client.ts' ||
          target === 'targets/workload-requests.ts' ||
          target.startsWith('targets/server-kit/') ||
          (own !== 'targets' && target.startsWith(`${own}/`))
        expect(allowed, `${file} imports ${spec}`).toBe(true)
      }
      if (file.endsWith('index.ts') || file.endsWith('client.ts') || file === 'targets/node-server.ts' || file === 'targets/workload-requests.ts') expect(imports).toContain(own === 'targets' ? '../index.js' : '../../index.js')
    })
  }
})
