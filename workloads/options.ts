/**
 * Reading a workload's options (`workloadOptions` in the config file): each
 * value is checked against its kind and range, and a bad one is refused with
 * the workload and option named (exit 3), before the test starts.
 */
import { UsageError } from '../core/errors.js'

type Raw = Readonly<Record<string, unknown>>

function refuse(workload: string, name: string, expected: string, got: unknown): never {
  throw new UsageError(`${workload} workload: option ${name} must be ${expected}, got ${JSON.stringify(got)}`, 'fix workloadOptions in the config file (see README "Workloads")')
}

export function numberOption(workload: string, raw: Raw, name: string, fallback: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
  const v = raw[name]
  if (v === undefined) return fallback
  const { min = -Infinity, max = Infinity, integer = false } = range
  const what = `${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` ≥ ${min}` : ''}${max < Infinity ? ` and ≤ ${max}` : ''}`
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) refuse(workload, name, what, v)
  return v
}

export function booleanOption(workload: string, raw: Raw, name: string, fallback: boolean): boolean {
  const v = raw[name]
  if (v === undefined) return fallback
  if (typeof v !== 'boolean') refuse(workload, name, 'true or false', v)
  return v
}

/** Refuses option names the workload does not know (a typo would otherwise be silently ignored). */
export function knownOptions(workload: string, raw: Raw, names: readonly string[]): void {
  const unknown = Object.keys(raw).filter((k) => !names.includes(k))
  if (unknown.length) {
    throw new UsageError(`${workload} workload: unknown option(s) ${unknown.join(', ')}`, `its options are: ${names.join(', ')}`)
  }
}

/** One of a few names (e.g. keyDist: exponential or uniform). */
export function choiceOption<T extends string>(workload: string, raw: Raw, name: string, fallback: T, choices: readonly T[]): T {
  const v = raw[name]
  if (v === undefined) return fallback
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) refuse(workload, name, `one of ${choices.join(', ')}`, v)
  return v as T
}

/** A list of names: a JSON array of strings, or one comma-separated string. */
export function namesOption(workload: string, raw: Raw, name: string, fallback: readonly string[]): string[] {
  const v = raw[name]
  if (v === undefined) return [...fallback]
  const names = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string' || n === '')) {
    refuse(workload, name, 'a list of names (or one comma-separated string)', v)
  }
  return names as string[]
}
