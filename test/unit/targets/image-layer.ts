/** What every bundled server's image layer must be: self-contained, and made of its own folder and server-kit only. */
import { readFileSync } from 'node:fs'
import { basename, posix } from 'node:path'
import { expect } from 'vitest'
import { isCopiedFile, type ImageLayer } from '../../../control/image/layer.js'
import { NODE_TARGETS_DIR } from '../../../targets/node-server.js'

export function expectSelfContainedLayer(layer: ImageLayer, target: string): void {
  const files = (layer.files ?? []).filter(isCopiedFile)
  // The bundled servers are plain copied files: no host programs, no generated files.
  expect(files).toHaveLength(layer.files?.length ?? -1)
  const shipped = new Set(files.map((f) => f.to))
  expect(shipped).toContain(`${NODE_TARGETS_DIR}/${target}/server/main.js`)
  expect(shipped).toContain(`${NODE_TARGETS_DIR}/server-kit/serve.js`)
  const own = [`${NODE_TARGETS_DIR}/${target}/server/`, `${NODE_TARGETS_DIR}/server-kit/`]
  expect([...shipped].filter((to) => !own.some((folder) => to.startsWith(folder)))).toEqual([])
  for (const f of files) {
    // Every import is a node: built-in or a file the layer ships, at the same relative place.
    for (const [, spec] of readFileSync(f.from, 'utf8').matchAll(/from '([^']+)'/g)) {
      if (spec!.startsWith('node:')) continue
      expect(spec, `${basename(String(f.from))} imports ${spec}`).toMatch(/^\.{1,2}\/[\w./-]+\.js$/)
      expect(shipped, `${basename(String(f.from))} imports ${spec}`).toContain(posix.join(posix.dirname(f.to), spec!))
    }
  }
}
