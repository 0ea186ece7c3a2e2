/**
 * The SSH test bed for the integration tests: scripts/ssh-testbed.sh brings
 * up sshd containers under a name of this test file's own, and what a run
 * left on them is read with `docker exec` (an observer outside SSH).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe } from 'vitest'
import { ROOT } from '../../e2e/helpers.js'

const SCRIPT = join(ROOT, 'scripts/ssh-testbed.sh')

function why(): string | undefined {
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) return 'no Docker engine; start one with scripts/setup-docker.sh'
  if (!existsSync('/usr/sbin/sshd')) return 'no /usr/sbin/sshd to build the bed from; scripts/setup-docker.sh installs openssh-server'
  return undefined
}
const reason = why()

/** `describe`, or `describe.skip` saying why when the bed cannot be built here. */
export const describeBed = (name: string, fn: () => void): void => {
  if (reason === undefined) describe(name, fn)
  else describe.skip(`${name} (skipped: ${reason})`, fn)
}

export interface Bed {
  name: string
  /** The HOME the bed was brought up with: its ~/.ssh holds a key the hosts accept and their host keys. */
  home: string
  dir: string
  nodesFile: string
  key: string
  knownHosts: string
  hosts: { name: string; address: string; container: string }[]
}

export function bedUp(what: string, n: number): Bed {
  const name = `dstest-it-${what}-${process.pid}`
  // A HOME of its own, so the bed's known_hosts lines and key never touch the real ~/.ssh.
  const home = mkdtempSync(join(tmpdir(), 'dstest-it-home-'))
  const env = { ...process.env, DSTEST_TESTBED: name, HOME: home, SSH_AUTH_SOCK: '' }
  const nodes = execFileSync('bash', [SCRIPT, 'up', String(n)], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 })
  const dir = execFileSync('bash', [SCRIPT, 'dir'], { env, encoding: 'utf8' }).trim()
  const hosts = nodes
    .trim()
    .split('\n')
    .map((l) => l.split(' ') as [string, string])
    .map(([host, address]) => ({ name: host, address, container: `${name}-${host}` }))
  return { name, home, dir, nodesFile: join(dir, 'nodes.txt'), key: join(dir, 'id_ed25519'), knownHosts: join(dir, 'known_hosts'), hosts }
}

export function bedDown(bed: Bed | undefined): void {
  if (!bed) return
  execFileSync('bash', [SCRIPT, 'down'], { env: { ...process.env, DSTEST_TESTBED: bed.name, HOME: bed.home }, stdio: 'ignore', timeout: 60_000 })
  rmSync(bed.home, { recursive: true, force: true })
}

/** The environment of a user whose ~/.ssh is the bed's (no agent). */
export const userOf = (bed: Bed): NodeJS.ProcessEnv => ({ HOME: bed.home, SSH_AUTH_SOCK: '' })

/** The flags that log in to the bed. */
export function loginFlags(bed: Bed): string[] {
  return ['--runtime', 'ssh', '--nodes-file', bed.nodesFile, '--ssh-key', bed.key, '--known-hosts', bed.knownHosts]
}

/** Runs a shell snippet in a bed host, as root, outside SSH. */
export function onHost(container: string, script: string): string {
  return execFileSync('docker', ['exec', container, 'sh', '-c', script], { encoding: 'utf8' })
}

const LEFTOVERS = `
ls -d /tmp/dstest-run-* 2>/dev/null | sed 's/^/folder /'
iptables -S 2>/dev/null | grep -i dstest | sed 's/^/iptables /'
tc qdisc show 2>/dev/null | grep -v -e noqueue -e 'qdisc mq' | sed 's/^/qdisc /'
for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ 2>/dev/null | grep -q '^DSTEST_RUN=' && echo "process \${p#/proc/}"; done
true`

/** Whatever any dstest run left on the bed's hosts: run folders, DSTEST chains, qdiscs, processes. */
export function leftoversOnBed(bed: Bed): string[] {
  return bed.hosts.flatMap((h) =>
    onHost(h.container, LEFTOVERS)
      .split('\n')
      .filter(Boolean)
      .map((l) => `${h.name}: ${l}`),
  )
}
