/**
 * POSIX shell quoting: the one place an argv becomes the command string an
 * SSH server hands to the user's login shell. Every word is single-quoted
 * (a single quote inside becomes '\''), so no character of it is special:
 * not $, `, \, ;, &, |, *, newline, nor a leading '-' to the shell (argument
 * parsing is the command's business). Nothing else in dstest builds a remote
 * command string.
 */

/** One word, quoted so a POSIX shell reads it back byte for byte. */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new RangeError('a shell word cannot hold a NUL byte')
  // Words of only these characters mean the same quoted or not; leaving them bare keeps commands readable in logs.
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** An argv as one command line: each word quoted, joined by spaces. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new RangeError('a command needs at least one word')
  return argv.map(shellQuote).join(' ')
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * argv that runs `argv` with extra environment variables, through `env`:
 * sshd usually refuses the protocol's env requests, so variables travel in
 * the (quoted) command itself.
 */
export function withEnv(env: Readonly<Record<string, string>> | undefined, argv: readonly string[]): string[] {
  const entries = Object.entries(env ?? {})
  if (entries.length === 0) return [...argv]
  for (const [name] of entries) {
    if (!ENV_NAME.test(name)) throw new RangeError(`not an environment variable name: ${JSON.stringify(name)}`)
  }
  // '--' so a value can never be read as an option of env itself.
  if (argv[0]?.includes('=')) throw new RangeError(`a program name cannot hold '=': ${JSON.stringify(argv[0])}`)
  return ['env', '--', ...entries.map(([k, v]) => `${k}=${v}`), ...argv]
}
