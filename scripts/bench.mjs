#!/usr/bin/env node
// npm run bench [-- NAME ... [-- OPTIONS]]: runs the compiled benchmarks in dist/bench/ (all, or
// the named ones). Each benchmark prints one JSON document with its figures.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { splitBenchArgs } from './bench-args.mjs'

const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)
const dir = join('dist', 'bench')
const all = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)) : []
const { names: wanted, options } = splitBenchArgs(process.argv.slice(2))
const names = wanted.length > 0 ? wanted : all
let status = 0
for (const name of names) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark '${name}': choose from ${all.join(', ')}`)
    process.exit(3)
  }
  const run = spawnSync(process.execPath, [join(dir, `${name}.js`), ...options], { stdio: 'inherit' })
  if (run.status !== 0) status = run.status ?? 1
}
process.exit(status)
