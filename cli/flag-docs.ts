/**
 * Flags as data, declared once: each command's flags become its yargs
 * options (what `--help` shows) and the README's flag tables, so the two
 * cannot disagree. `dstest run`'s flags come from the test spec's schema
 * (core/spec.ts); `npm run docs` rewrites the README's generated blocks and a
 * test fails while they differ from what the flags generate.
 */
import type { Options } from 'yargs'

export interface Flag {
  /** Without dashes: `time-limit`. */
  name: string
  type: 'string' | 'number' | 'boolean'
  describe: string
  /** The --help section it is listed under (yargs' own 'Options' when absent). */
  group?: string
  /** The default as shown, when it has one. */
  defaultText?: string
  /** Whether defaultText is a value (shown as code in the README) rather than words. */
  defaultIsValue?: boolean
  /** The only values yargs accepts. */
  choices?: readonly string[]
  /** Names it takes, listed (not enforced) where `{names}` stands in `describe`. */
  names?: readonly string[]
  /** What its value is, in the README (`--junit FILE`). */
  arg?: string
  /** It may be given several times (a list); any other flag given twice is refused. */
  repeatable?: boolean
}

/** `describe` with its `{names}` filled in, each name passed through `show`. */
function describeText(flag: Flag, show: (name: string) => string): string {
  return flag.describe.replace('{names}', (flag.names ?? []).map(show).join(', '))
}

export function yargsOptions(flags: readonly Flag[]): Record<string, Options> {
  return Object.fromEntries(
    flags.map((f) => {
      const o: Options = { type: f.type, describe: describeText(f, (n) => n) }
      if (f.group) o.group = `${f.group}:`
      if (f.choices) o.choices = [...f.choices]
      if (f.defaultText !== undefined) o.defaultDescription = f.defaultText
      return [f.name, o]
    }),
  )
}

const code = (s: string): string => `\`${s}\``
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Markdown tables of flags, one per group in the order the groups first appear. */
export function flagTables(flags: readonly Flag[]): string {
  const groups = [...new Set(flags.map((f) => f.group ?? ''))]
  return groups
    .map((g) => {
      const rows = flags
        .filter((f) => (f.group ?? '') === g)
        .map((f) => {
          const flag = code(`--${f.name}${f.arg ? ` ${f.arg}` : ''}`)
          const def = f.defaultText === undefined ? '' : f.defaultIsValue ? code(f.defaultText) : f.defaultText
          const choices = f.choices ? `; one of ${f.choices.map(code).join(', ')}` : ''
          return `| ${cell(flag)} | ${cell(def)} | ${cell(describeText(f, code) + choices)} |`
        })
      return [...(g ? [`**${g}**`, ''] : []), '| flag | default | meaning |', '|---|---|---|', ...rows].join('\n')
    })
    .join('\n\n')
}

/**
 * Replaces the text between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`
 * in `text`; throws if the markers are missing, so a block is never lost silently.
 */
export function replaceBlock(text: string, name: string, content: string): string {
  const open = `<!-- generated:${name} (npm run docs) -->`
  const close = `<!-- /generated:${name} -->`
  const start = text.indexOf(open)
  const end = text.indexOf(close)
  if (start < 0 || end < start) throw new Error(`README has no ${open} ... ${close} block`)
  return `${text.slice(0, start + open.length)}\n${content}\n${text.slice(end)}`
}
