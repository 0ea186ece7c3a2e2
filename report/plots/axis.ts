/**
 * The time axis every plot of the report shares: seconds since the workload
 * started, from 0 to the end of the history, over the same pixels in every
 * panel, so a latency spike, a throughput dip and the fault under them line up.
 */

export const WIDTH = 960
export const LEFT = 100
export const RIGHT = 16

export interface TimeAxis {
  /** Seconds shown: 0 to `end`. */
  end: number
  /** Seconds → x pixel. */
  x(t: number): number
  /** Pixels per second. */
  scale: number
}

export function timeAxis(endSeconds: number): TimeAxis {
  const end = endSeconds > 0 ? endSeconds : 1
  const scale = (WIDTH - LEFT - RIGHT) / end
  return { end, scale, x: (t) => LEFT + Math.min(end, Math.max(0, t)) * scale }
}

/** A 1-2-5 step near `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1
  const mag = 10 ** Math.floor(Math.log10(raw))
  const n = raw / mag
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag
}

/** Tick positions and labels for the time axis (about eight). */
export function timeTicks(axis: TimeAxis): { t: number; label: string }[] {
  const step = niceStep(axis.end / 8)
  const digits = step < 1 ? Math.min(3, Math.ceil(-Math.log10(step))) : 0
  const out: { t: number; label: string }[] = []
  for (let i = 0; i * step <= axis.end + 1e-9; i++) out.push({ t: i * step, label: `${(i * step).toFixed(digits)} s` })
  return out
}

/** Numbers for SVG attributes: one decimal, no trailing zeros. */
export function px(n: number): string {
  return String(Math.round(n * 10) / 10)
}
