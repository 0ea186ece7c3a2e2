/**
 * The answers of the bundled servers' client API (`/kv/*`), and what each
 * error says about the operation: written once, for both servers and for the
 * dstest side that turns answers into `ok` / `fail` / `info` (../json-client.ts).
 *
 *   { "ok": true, "value"?: V }
 *   { "ok": false, "error": NAME, "message"?: "...", ...where to go instead }
 */

/** Refused before anything changed; asking again, elsewhere or later, may succeed. */
export const REDIRECTS = ['not-leader', 'not-head', 'not-tail', 'unavailable'] as const
/** Looked at and turned down with no effect; asking again would get the same answer. */
export const NO_EFFECT = ['cas-mismatch', 'type-mismatch', 'insufficient-funds', 'bad-request', 'dequeue-settled'] as const
/**
 * The effect is unknown: it may have happened, or happen later. Any error name
 * not listed above counts as one of these, so a new name is never taken for a
 * refusal by mistake.
 */
export const UNKNOWN_EFFECT = ['timeout', 'leadership-lost', 'proxy-failed', 'reconfigured', 'shutting-down', 'internal'] as const

export type KvError = (typeof REDIRECTS)[number] | (typeof NO_EFFECT)[number] | (typeof UNKNOWN_EFFECT)[number]

/** What one error name says: 'redirect' and 'no-effect' mean certainly not applied. */
export function effectOf(error: string): 'redirect' | 'no-effect' | 'unknown' {
  if ((REDIRECTS as readonly string[]).includes(error)) return 'redirect'
  if ((NO_EFFECT as readonly string[]).includes(error)) return 'no-effect'
  return 'unknown'
}
