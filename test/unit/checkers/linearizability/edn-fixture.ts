/**
 * A minimal EDN reader for the Knossos fixture files only (the checker library is
 * standalone and must not import the repo's reader in core/). Handles keywords
 * (→ strings without the colon), strings, integers and floats, nil, true/false,
 * vectors and lists (→ arrays), maps (→ objects with string keys), sets
 * (→ arrays), `;` comments and commas as whitespace.
 */
export type Edn = null | boolean | number | string | Edn[] | { [key: string]: Edn }

export function readEdnAll(text: string): Edn[] {
  let i = 0
  const skip = (): void => {
    while (i < text.length) {
      const c = text[i]!
      if (c === ';') while (i < text.length && text[i] !== '\n') i++
      else if (c === ',' || /\s/.test(c)) i++
      else break
    }
  }
  const seq = (close: string): Edn[] => {
    const items: Edn[] = []
    while (true) {
      skip()
      if (i >= text.length) throw new Error(`EDN: missing '${close}'`)
      if (text[i] === close) {
        i++
        return items
      }
      items.push(value())
    }
  }
  const value = (): Edn => {
    skip()
    const c = text[i]
    if (c === '[' || c === '(') {
      i++
      return seq(c === '[' ? ']' : ')')
    }
    if (c === '#' && text[i + 1] === '{') {
      i += 2
      return seq('}')
    }
    if (c === '{') {
      i++
      const items = seq('}')
      const map: { [key: string]: Edn } = {}
      for (let k = 0; k < items.length; k += 2) map[String(items[k])] = items[k + 1] ?? null
      return map
    }
    if (c === '"') {
      let s = ''
      i++
      while (text[i] !== '"') {
        if (i >= text.length) throw new Error('EDN: unterminated string')
        if (text[i] === '\\') {
          i++
          s += text[i] === 'n' ? '\n' : text[i] === 't' ? '\t' : text[i]
        } else s += text[i]
        i++
      }
      i++
      return s
    }
    const start = i
    while (i < text.length && !/[\s,;[\](){}"]/.test(text[i]!)) i++
    const token = text.slice(start, i)
    if (token === '') throw new Error(`EDN: unexpected '${c}' at ${start}`)
    if (token === 'nil') return null
    if (token === 'true' || token === 'false') return token === 'true'
    if (token.startsWith(':')) return token.slice(1)
    if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?N?M?$/.test(token)) return Number(token.replace(/[NM]$/, ''))
    return token
  }
  const out: Edn[] = []
  while (true) {
    skip()
    if (i >= text.length) return out
    out.push(value())
  }
}

/** A history file: one top-level vector/list of maps, or maps one after another. */
export function readEdnHistory(text: string): { [key: string]: Edn }[] {
  const top = readEdnAll(text)
  const records = top.length === 1 && Array.isArray(top[0]) ? top[0] : top
  return records as { [key: string]: Edn }[]
}
