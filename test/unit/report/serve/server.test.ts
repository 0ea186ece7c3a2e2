import { request } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveStore, type RunningServer } from '../../../../report/serve/server.js'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A raw request: the path goes out as written (no URL normalisation, unlike fetch). */
function get(server: RunningServer, path: string, options: { method?: string; host?: string } = {}): Promise<Reply> {
  const url = new URL(server.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${url.port}` } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

const dirs: string[] = []
let store: string
let server: RunningServer

function run(test: string, name: string, startedAt: string, valid: unknown, files: Record<string, string> = {}): void {
  const dir = join(store, test, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'test.json'), JSON.stringify({ name: test, seed: 7, startedAt, seconds: 12.3, spec: { target: 'chain-kv', workload: 'register', nemesis: ['partition'], bug: 'read-any' } }))
  if (valid !== undefined) writeFileSync(join(dir, 'results.json'), JSON.stringify({ valid, summary: `summary of ${name}` }))
  writeFileSync(join(dir, 'report.html'), `<h1>report ${name}</h1>`)
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true })
    writeFileSync(join(dir, f), text)
  }
}

beforeAll(async () => {
  store = mkdtempSync(join(tmpdir(), 'dstest-serve-'))
  const outside = mkdtempSync(join(tmpdir(), 'dstest-outside-'))
  dirs.push(store, outside)
  writeFileSync(join(outside, 'secret.txt'), 'not yours')
  run('chain-kv-register', '20261127T100000.000', '2026-11-27T10:00:00.000Z', false, { 'nodes/n1/chain-kv.log': 'node log', 'history.jsonl': '{}\n' })
  run('chain-kv-register', '20261127T110000.000', '2026-11-27T11:00:00.000Z', true)
  run('memory-register', '20261127T120000.000', '2026-11-27T12:00:00.000Z', 'unknown')
  run('memory-register', '20261127T130000.000', '2026-11-27T13:00:00.000Z', undefined)
  symlinkSync('20261127T130000.000', join(store, 'memory-register', 'latest'))
  symlinkSync(outside, join(store, 'memory-register', 'escape'))
  server = await serveStore({ store, host: '127.0.0.1', port: 0 })
})

afterAll(async () => {
  await server.close()
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }))
})

describe('dstest serve', () => {
  it('lists every run, newest first, with its time, target, workload, nemesis, seed and verdict', async () => {
    const r = await get(server, '/')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8')
    const rows = r.body.match(/<tr data-verdict="(\w+)">/g)!
    expect(rows).toEqual(['<tr data-verdict="none">', '<tr data-verdict="unknown">', '<tr data-verdict="valid">', '<tr data-verdict="invalid">'])
    expect(r.body).toContain('<td>2026-11-27 10:00:00Z</td><td>chain-kv-register</td><td>chain-kv</td><td>register</td><td>partition</td><td>read-any</td><td>7</td><td>12 s</td>')
    expect(r.body).toContain('<a href="/chain-kv-register/20261127T100000.000/report.html">report</a>')
    // The link `latest` is not a run of its own.
    expect(r.body.match(/20261127T130000\.000/g)).toHaveLength(2)
  })

  it('filters by verdict', async () => {
    const r = await get(server, '/?verdict=invalid')
    expect(r.body.match(/<tr data-verdict=/g)).toHaveLength(1)
    expect(r.body).toContain('summary of 20261127T100000.000')
    expect(r.body).toContain('INVALID (1)')
  })

  it('serves a run’s files and folders, read-only, with no way to fetch from elsewhere', async () => {
    const report = await get(server, '/chain-kv-register/20261127T100000.000/report.html')
    expect(report.status).toBe(200)
    expect(report.body).toBe('<h1>report 20261127T100000.000</h1>')
    expect(report.headers['content-security-policy']).toMatch(/default-src 'none'/)
    expect(report.headers['x-content-type-options']).toBe('nosniff')
    const log = await get(server, '/chain-kv-register/20261127T100000.000/nodes/n1/chain-kv.log')
    expect([log.status, log.body, log.headers['content-type']]).toEqual([200, 'node log', 'text/plain; charset=utf-8'])
    const folder = await get(server, '/chain-kv-register/20261127T100000.000/')
    expect(folder.body).toContain('<a href="nodes/">nodes/</a>')
    expect(folder.body).toContain('<a href="history.jsonl">history.jsonl</a>')
    const noSlash = await get(server, '/chain-kv-register/20261127T100000.000')
    expect([noSlash.status, noSlash.headers.location]).toEqual([301, '/chain-kv-register/20261127T100000.000/'])
    const head = await get(server, '/chain-kv-register/20261127T100000.000/report.html', { method: 'HEAD' })
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', String(report.body.length)])
    const latest = await get(server, '/memory-register/latest/report.html')
    expect(latest.body).toBe('<h1>report 20261127T130000.000</h1>')
  })

  it('refuses writes, escapes from the store (.., encoded, symlinked) and requests for other host names', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await get(server, '/chain-kv-register/20261127T100000.000/report.html', { method })
      expect([r.status, r.headers.allow]).toEqual([405, 'GET, HEAD'])
    }
    for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/chain-kv-register/..%2f..%2f..%2fetc%2fpasswd', '/memory-register/escape/secret.txt', '/x%00y']) {
      const r = await get(server, path)
      expect(r.status, path).toBe(404)
      expect(r.body).not.toContain('not yours')
      expect(r.body).not.toContain('root:')
    }
    const rebound = await get(server, '/', { host: 'attacker.example:80' })
    expect(rebound.status).toBe(403)
    const localhost = await get(server, '/', { host: `localhost:${new URL(server.url).port}` })
    expect(localhost.status).toBe(200)
  })
})
