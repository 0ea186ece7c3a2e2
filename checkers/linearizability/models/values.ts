/**
 * Values as the built-in models see them: JSON-like data from a history (numbers,
 * strings, null, arrays, plain objects). Equality is structural; hashes are
 * 32-bit and equal for equal values.
 */
import { hashString } from '../cache.js'

/** The input of every built-in model: Jepsen's `f`, and the op's key and value. */
export interface OpInput {
  f: string
  key?: unknown
  value?: unknown
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  return JSON.stringify(a) === JSON.stringify(b)
}

export function hashValue(v: unknown): number {
  if (v === null || v === undefined) return 0x1b873593
  if (typeof v === 'number') return Number.isInteger(v) ? Math.imul(v | 0, 0x2c1b3c6d) ^ ((v / 4294967296) | 0) : hashString(String(v))
  if (typeof v === 'string') return hashString(v)
  if (typeof v === 'boolean') return v ? 0x27d4eb2f : 0x165667b1
  return hashString(JSON.stringify(v))
}

export function showValue(v: unknown): string {
  if (v === undefined) return '?'
  if (v === null) return 'nil'
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v)
}

/** A stable string key for a value, e.g. to partition by it or to sort a set. */
export function valueKey(v: unknown): string {
  return typeof v === 'string' ? `s${v}` : `j${JSON.stringify(v)}`
}

/**
 * What a step returns when the operation is illegal: one shared empty array. The
 * search asks about illegal steps far more often than legal ones (every read that
 * does not fit the state at each node), and a fresh array each time costs GC.
 */
export const ILLEGAL: readonly never[] = Object.freeze([])

const BASE = 0x01000193

/** Polynomial hash over UTF-16 units: h(a + b) = h(a)·B^|b| + h(b) (mod 2^32). */
export function polyHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, BASE) + s.charCodeAt(i)) | 0
  return h
}

export function polyPow(len: number): number {
  let result = 1
  let b = BASE
  let e = len
  while (e > 0) {
    if (e & 1) result = Math.imul(result, b)
    b = Math.imul(b, b)
    e >>>= 1
  }
  return result
}

export function polyConcat(ha: number, hb: number, lenB: number): number {
  return (Math.imul(ha, polyPow(lenB)) + hb) | 0
}
