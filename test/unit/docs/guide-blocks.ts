/**
 * The code blocks of docs/writing-a-target.md: the project files it lists in
 * full (a block right after `<!-- file: NAME -->`) and the other blocks, by
 * language. The guide's tests build its project from these, as a reader would.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const GUIDE = join(import.meta.dirname, '../../../docs/writing-a-target.md')

export interface Block {
  lang: string
  code: string
  /** The project file it is, when the guide names one. */
  file?: string
  /** 1-based line of its opening fence, for messages. */
  line: number
}

export function guideBlocks(text = readFileSync(GUIDE, 'utf8')): Block[] {
  const lines = text.split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i]!)
    if (!open) continue
    const end = lines.indexOf('```', i + 1)
    if (end < 0) throw new Error(`unclosed code block at line ${i + 1}`)
    const file = /^<!-- file: (\S+) -->$/.exec(lines[i - 1] ?? '')?.[1]
    blocks.push({ lang: open[1]!, code: lines.slice(i + 1, end).join('\n') + '\n', line: i + 1, ...(file ? { file } : {}) })
    i = end
  }
  return blocks
}

/** The project the guide builds: file name → content. */
export function guideProject(blocks = guideBlocks()): Map<string, string> {
  return new Map(blocks.filter((b) => b.file !== undefined).map((b) => [b.file!, b.code]))
}

/** The `npx dstest ...` commands of the guide's shell blocks, as argv after `dstest` (comments dropped). */
export function guideCommands(blocks = guideBlocks()): string[][] {
  return blocks
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.code.split('\n'))
    .flatMap((line) => line.split('&&'))
    .map((cmd) => cmd.replace(/#.*$/, '').trim())
    .filter((cmd) => cmd.startsWith('npx dstest '))
    .map((cmd) => cmd.slice('npx dstest '.length).split(/\s+/))
}
