/** What a package image is built from (a fake /etc in a temporary folder), its recipe, and how apt's refusals are told apart. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkBuildTools, debianRootRecipe, planDebianRoot, unknownPackage } from '../../../../control/image/debian-root.js'
import { DstestError } from '../../../../core/errors.js'

let etc: string
beforeAll(async () => {
  etc = await mkdtemp(join(tmpdir(), 'dstest-etc-'))
  await mkdir(join(etc, 'apt', 'sources.list.d'), { recursive: true })
})
afterAll(async () => {
  await rm(etc, { recursive: true, force: true })
})

async function refusal(): Promise<{ code: string; line: string; exit: number }> {
  try {
    await planDebianRoot(etc)
  } catch (e) {
    if (e instanceof DstestError) return { code: e.code, line: e.toLine(), exit: e.exitCode }
    throw e
  }
  throw new Error('planned')
}

describe('planDebianRoot', () => {
  it('refuses a machine that is not Debian (exit 4, with the fix)', async () => {
    await writeFile(join(etc, 'os-release'), 'ID=ubuntu\nVERSION_CODENAME=jammy\n')
    expect(await refusal()).toEqual({
      code: 'E_UNSUPPORTED',
      line: "images from Debian packages are built from this machine's Debian apt sources, and this machine is ubuntu jammy: build on a Debian machine, or give the target host binaries and files instead of packages",
      exit: 4,
    })
  })

  it('refuses a Debian machine without an apt source for its release', async () => {
    await writeFile(join(etc, 'os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n')
    await writeFile(join(etc, 'apt', 'sources.list'), 'deb http://deb.debian.org/debian trixie main\n')
    const r = await refusal()
    expect([r.code, r.exit]).toEqual(['E_UNSUPPORTED', 4])
    expect(r.line).toBe(
      `no apt source for Debian bookworm with the main component in ${join(etc, 'apt', 'sources.list')} or ${join(etc, 'apt', 'sources.list.d')}: add one, e.g. "deb http://deb.debian.org/debian bookworm main" to ${join(etc, 'apt', 'sources.list')}`,
    )
  })

  it('plans from the sources of the release, and the recipe ignores package order and repeats', async () => {
    await writeFile(join(etc, 'apt', 'sources.list'), '')
    await writeFile(
      join(etc, 'apt', 'sources.list.d', 'debian.sources'),
      'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
    )
    const plan = await planDebianRoot(etc)
    expect(plan).toEqual({
      release: 'bookworm',
      sources: {
        release: 'bookworm',
        mirror: 'http://deb.debian.org/debian',
        keyring: '/usr/share/keyrings/debian-archive-keyring.gpg',
        lines: ['deb http://deb.debian.org/debian bookworm main', 'deb http://deb.debian.org/debian bookworm-updates main'],
      },
    })
    expect(debianRootRecipe(plan, ['zookeeper', 'netcat-openbsd', 'zookeeper'])).toBe(debianRootRecipe(plan, ['netcat-openbsd', 'zookeeper']))
    expect(debianRootRecipe(plan, ['zookeeper'])).not.toBe(debianRootRecipe(plan, ['netcat-openbsd', 'zookeeper']))
    expect(debianRootRecipe(plan, [])).not.toBe(debianRootRecipe({ ...plan, sources: { ...plan.sources, mirror: 'http://mirror.example/debian' } }, []))
  })
})

describe('checkBuildTools', () => {
  it('names a missing tool with the package that brings it (exit 4), or root when not root', async () => {
    const err = await checkBuildTools([etc]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DstestError)
    const e = err as DstestError
    expect([e.code, e.exitCode]).toEqual(['E_UNSUPPORTED', 4])
    expect(e.toLine()).toBe(
      process.getuid?.() === 0
        ? 'debootstrap is not installed: it is needed to build an image from Debian packages: apt-get install -y debootstrap'
        : 'building an image from Debian packages needs root (debootstrap and chroot): run dstest as root (or prebuild it once: sudo dstest image build --target <target>)',
    )
  })
})

describe('unknownPackage', () => {
  const result = (tail: string[]) => ({ exitCode: 100, tail, timedOut: false, aborted: false })

  it("an unknown name or version is the target's mistake (exit 3)", () => {
    const cases = [
      ['E: Unable to locate package zookeepr', 'zookeepr'],
      ["E: Package 'python' has no installation candidate", 'python'],
      ["E: Version '9.9' for 'redis-server' was not found", 'redis-server'],
    ] as const
    for (const [line, name] of cases) {
      const e = unknownPackage(result(['Reading package lists...', line]), 'bookworm')
      expect([e?.code, e?.exitCode, e?.message]).toEqual(['E_CONFIG', 3, `package '${name}' cannot be installed from Debian bookworm: ${line.slice(3)}`])
    }
  })

  it('any other failure is not', () => {
    expect(unknownPackage(result(['E: Sub-process /usr/bin/dpkg returned an error code (1)']), 'bookworm')).toBeUndefined()
  })
})
