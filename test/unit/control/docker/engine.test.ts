import { describe, expect, it } from 'vitest'
import { demultiplex } from '../../../../control/docker/engine.js'

describe('docker engine', () => {
  it('demultiplexes the engine exec stream', () => {
    const frame = (kind: number, s: string): Buffer => {
      const h = Buffer.alloc(8)
      h[0] = kind
      h.writeUInt32BE(Buffer.byteLength(s), 4)
      return Buffer.concat([h, Buffer.from(s)])
    }
    expect(demultiplex(Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]))).toEqual({
      stdout: Buffer.from('out1 out2'),
      stderr: Buffer.from('err'),
    })
  })
})
