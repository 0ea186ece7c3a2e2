/**
 * The pure parts of the RabbitMQ example (examples/rabbitmq/): how a publisher
 * confirm's answer becomes ok / fail / info through the public request helper,
 * the message encoding, the target options, and that the example is written
 * as a user would (the public API, Node's built-ins, amqplib and its own
 * files only). The broker itself runs in
 * test/e2e/example-rabbitmq.docker.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { performRequest } from 'dstest'
import { confirmOutcome, decodeValue, encodeValue } from '../../../../examples/rabbitmq/client.js'
import { rabbitOptions } from '../../../../examples/rabbitmq/target.js'

const enqueue = { type: 'invoke' as const, process: 0, f: 'enqueue', value: 7, time: 0 }
const complete = (answer: unknown) =>
  performRequest(enqueue, { signal: new AbortController().signal, node: 'n1', readOnly: false }, async () => {
    const outcome = confirmOutcome(answer)
    return outcome.type === 'ok' ? { type: 'ok', value: 7 } : outcome
  })

describe('the RabbitMQ client', () => {
  it('records a confirmed publish as ok, a nack as fail, and a publish whose channel closed first as info', async () => {
    expect(await complete(null)).toMatchObject({ type: 'ok', value: 7 })
    expect(await complete(undefined)).toMatchObject({ type: 'ok' })
    expect(await complete(new Error('message nacked'))).toMatchObject({ type: 'fail', error: 'nacked by the broker' })
    expect(await complete(new Error('channel closed'))).toMatchObject({ type: 'info', error: 'no confirm: channel closed' })
    expect(await complete('something else')).toMatchObject({ type: 'info' })
  })

  it('sends values as JSON and reads back what it sent, or the raw text of a foreign message', () => {
    for (const v of [0, 41, 'x', null]) expect(decodeValue(encodeValue(v))).toEqual(v)
    expect(decodeValue(Buffer.from('not json'))).toBe('not json')
  })
})

describe('the RabbitMQ target options', () => {
  it('defaults to a quorum queue, pause_minority and a 6 s net_ticktime', () => {
    expect(rabbitOptions({})).toEqual({ queue: 'quorum', partitionHandling: 'pause_minority', netTicktime: 6 })
    expect(rabbitOptions({ queue: 'mirrored', partitionHandling: 'autoheal', netTicktime: 60 })).toEqual({ queue: 'mirrored', partitionHandling: 'autoheal', netTicktime: 60 })
  })

  it('refuses unknown options and bad values with a one-line usage error', () => {
    expect(() => rabbitOptions({ queues: 'quorum' })).toThrow(/unknown targetOptions queues \(known: queue, partitionHandling, netTicktime\)/)
    expect(() => rabbitOptions({ queue: 'stream' })).toThrow(/targetOptions.queue must be one of quorum, mirrored, not "stream"/)
    expect(() => rabbitOptions({ partitionHandling: 'ignore' })).toThrow(/partitionHandling must be one of pause_minority, autoheal/)
    expect(() => rabbitOptions({ netTicktime: 0.5 })).toThrow(/netTicktime must be a whole number/)
    let error: unknown
    try {
      rabbitOptions({ queue: 1 })
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'E_USAGE' })
  })
})

describe('the RabbitMQ example', () => {
  it('imports only the public API, node built-ins, amqplib and its own files', () => {
    const dir = resolve(import.meta.dirname, '../../../../examples/rabbitmq')
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'))
    expect(files).toEqual(expect.arrayContaining(['target.ts', 'client.ts']))
    for (const file of files) {
      for (const [, spec] of readFileSync(join(dir, file), 'utf8').matchAll(/^import [^;]*? from '([^']+)'/gms)) {
        const allowed = spec === 'dstest' || spec === 'amqplib' || (spec!.startsWith('node:') && builtinModules.includes(spec!.slice(5))) || /^\.\/[\w-]+\.js$/.test(spec!)
        expect(allowed, `${file} imports ${spec}`).toBe(true)
      }
    }
  })
})
