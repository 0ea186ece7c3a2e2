/**
 * This machine's apt sources, read from /etc/apt/sources.list (one-line form)
 * and /etc/apt/sources.list.d/ (`*.list`, and deb822 `*.sources`), and the
 * choice a Debian root folder is built from: the first `deb` source of the
 * release with the `main` component, plus the release's updates and security
 * suites when the machine has them.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface AptSource {
  uri: string
  suites: string[]
  components: string[]
  /** The Signed-By keyring file, or 'inline' for a key written into the source. */
  signedBy?: string
  /** Where it was read from, for messages. */
  file: string
}

/** One-line `deb [options] uri suite [component...]` entries (`deb-src` and comments skipped). */
export function parseSourcesList(text: string, file: string): AptSource[] {
  const out: AptSource[] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim()
    const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)((?:\s+\S+)*)$/.exec(line)
    if (!m) continue
    const options = Object.fromEntries((m[1] ?? '').split(/\s+/).filter(Boolean).map((o) => o.split('=', 2) as [string, string]))
    const source: AptSource = { uri: m[2]!, suites: [m[3]!], components: (m[4] ?? '').trim().split(/\s+/).filter(Boolean), file }
    const signedBy = options['signed-by']
    if (signedBy?.startsWith('/')) source.signedBy = signedBy
    out.push(source)
  }
  return out
}

/** deb822 stanzas (`Types: deb`, `URIs`, `Suites`, `Components`, `Signed-By`, `Enabled`). */
export function parseDeb822(text: string, file: string): AptSource[] {
  const out: AptSource[] = []
  const stanzas = text.split(/\n\s*\n/)
  for (const stanza of stanzas) {
    const fields: Record<string, string> = {}
    let last: string | undefined
    for (const line of stanza.split('\n')) {
      if (/^\s*#/.test(line)) continue
      const field = /^([A-Za-z-]+):\s*(.*)$/.exec(line)
      if (field) {
        last = field[1]!.toLowerCase()
        fields[last] = field[2]!.trim()
      } else if (last && /^\s/.test(line)) fields[last] += '\n' + line.trim()
    }
    if (!(fields.types ?? '').split(/\s+/).includes('deb')) continue
    if ((fields.enabled ?? 'yes').toLowerCase() === 'no') continue
    const words = (s: string | undefined): string[] => (s ?? '').split(/\s+/).filter(Boolean)
    const signedBy = (fields['signed-by'] ?? '').trim()
    for (const uri of words(fields.uris)) {
      const source: AptSource = { uri, suites: words(fields.suites), components: words(fields.components), file }
      if (signedBy) source.signedBy = signedBy.includes('\n') || !signedBy.startsWith('/') ? 'inline' : signedBy
      out.push(source)
    }
  }
  return out
}

/** Every `deb` source configured on this machine. */
export async function readAptSources(etcApt = '/etc/apt'): Promise<AptSource[]> {
  const out: AptSource[] = []
  const main = join(etcApt, 'sources.list')
  out.push(...parseSourcesList(await readFile(main, 'utf8').catch(() => ''), main))
  const dir = join(etcApt, 'sources.list.d')
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const file = join(dir, name)
    if (name.endsWith('.list')) out.push(...parseSourcesList(await readFile(file, 'utf8').catch(() => ''), file))
    else if (name.endsWith('.sources')) out.push(...parseDeb822(await readFile(file, 'utf8').catch(() => ''), file))
  }
  return out
}

export interface ReleaseSources {
  release: string
  /** What debootstrap fetches the release from. */
  mirror: string
  /** Keyring debootstrap checks the release with (undefined: its default). */
  keyring?: string
  /** `deb URI SUITE COMPONENTS` lines for apt inside the root folder: the release, its updates and security suites. */
  lines: string[]
}

/**
 * The sources a root folder of `release` is built from, or undefined when the
 * machine has no `deb` source for the release with `main`. Third-party
 * sources that reuse the release's name are left out: they carry their own
 * keyring (Signed-By outside /usr/share/keyrings/debian-*), which the root
 * folder does not have.
 */
export function releaseSources(sources: readonly AptSource[], release: string): ReleaseSources | undefined {
  const fetchable = (s: AptSource): boolean => /^(https?|file):/.test(s.uri)
  const debianKeyed = (s: AptSource): boolean => s.signedBy === undefined || /^\/usr\/share\/keyrings\/debian-/.test(s.signedBy)
  const base = sources.find((s) => fetchable(s) && debianKeyed(s) && s.suites.includes(release) && s.components.includes('main'))
  if (!base) return undefined
  const wanted = new Set([release, `${release}-updates`, `${release}-security`])
  const lines: string[] = []
  for (const s of sources) {
    if (!fetchable(s) || !debianKeyed(s)) continue
    for (const suite of s.suites) {
      if (!wanted.has(suite) || s.components.length === 0) continue
      const line = `deb ${s.uri} ${suite} ${s.components.join(' ')}`
      if (!lines.includes(line)) lines.push(line)
    }
  }
  return { release, mirror: base.uri, ...(base.signedBy?.startsWith('/') ? { keyring: base.signedBy } : {}), lines }
}
