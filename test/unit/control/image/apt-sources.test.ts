import { describe, expect, it } from 'vitest'
import { parseDeb822, parseSourcesList, releaseSources } from '../../../../control/image/apt-sources.js'

/** As Debian 12 ships it (deb822), with a disabled stanza and a third-party repository that reuses the release name. */
const DEBIAN_SOURCES = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://mirror.example/debian
Suites: bookworm
Components: main contrib
Enabled: no
`
const VENDOR = `Types: deb
URIs: https://vendor.example/apt
Suites: bookworm
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBF...
 -----END PGP PUBLIC KEY BLOCK-----
`

describe('apt sources', () => {
  it('reads deb822 stanzas: several suites, Signed-By files, inline keys, disabled and source stanzas', () => {
    expect(parseDeb822(DEBIAN_SOURCES, 'debian.sources')).toEqual([
      { uri: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'], components: ['main'], signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg', file: 'debian.sources' },
      { uri: 'http://deb.debian.org/debian-security', suites: ['bookworm-security'], components: ['main'], signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg', file: 'debian.sources' },
    ])
    expect(parseDeb822(VENDOR, 'vendor.sources')).toEqual([{ uri: 'https://vendor.example/apt', suites: ['bookworm'], components: ['main'], signedBy: 'inline', file: 'vendor.sources' }])
  })

  it('reads one-line sources with options and comments', () => {
    const text = '# comment\ndeb [arch=amd64 signed-by=/usr/share/keyrings/vendor.gpg] https://vendor.example/apt bookworm main\ndeb-src http://deb.debian.org/debian bookworm main\ndeb http://deb.debian.org/debian bookworm main contrib # trailing\n'
    expect(parseSourcesList(text, 'sources.list')).toEqual([
      { uri: 'https://vendor.example/apt', suites: ['bookworm'], components: ['main'], signedBy: '/usr/share/keyrings/vendor.gpg', file: 'sources.list' },
      { uri: 'http://deb.debian.org/debian', suites: ['bookworm'], components: ['main', 'contrib'], file: 'sources.list' },
    ])
  })

  it('chooses the release with main, its updates and security suites, and leaves vendors out', () => {
    const sources = [
      ...parseSourcesList('deb [signed-by=/usr/share/keyrings/vendor.gpg] https://vendor.example/apt bookworm main\n', 'vendor.list'),
      ...parseDeb822(VENDOR, 'vendor.sources'),
      ...parseDeb822(DEBIAN_SOURCES, 'debian.sources'),
    ]
    expect(releaseSources(sources, 'bookworm')).toEqual({
      release: 'bookworm',
      mirror: 'http://deb.debian.org/debian',
      keyring: '/usr/share/keyrings/debian-archive-keyring.gpg',
      lines: [
        'deb http://deb.debian.org/debian bookworm main',
        'deb http://deb.debian.org/debian bookworm-updates main',
        'deb http://deb.debian.org/debian-security bookworm-security main',
      ],
    })
  })

  it('has no choice without a source for the release with main', () => {
    const sources = parseSourcesList('deb http://deb.debian.org/debian bookworm contrib\ndeb http://deb.debian.org/debian trixie main\ndeb cdrom:[Debian]/ bookworm main\n', 'sources.list')
    expect(releaseSources(sources, 'bookworm')).toBeUndefined()
  })
})
