import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  machineAptSources,
  machineDebianMirror,
  parseDeb822Sources,
  parseSourcesList,
  pickDebianMirror,
} from '../../../testhost/mirror';

describe('Debian mirror from the machine apt sources', () => {
  it('parses one-line sources.list, skipping comments, deb-src and options', () => {
    const text = [
      '# a comment',
      'deb-src http://src.example/debian bookworm main',
      'deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main contrib # trailing',
      'deb http://security.debian.org/debian-security bookworm-security main',
    ].join('\n');
    expect(parseSourcesList(text)).toEqual([
      {
        uri: 'http://mirror.example/debian/',
        suites: ['bookworm'],
        components: ['main', 'contrib'],
      },
      {
        uri: 'http://security.debian.org/debian-security',
        suites: ['bookworm-security'],
        components: ['main'],
      },
    ]);
  });

  it('parses deb822 stanzas: several suites and URIs, continuation lines, Enabled: no', () => {
    const text = [
      'Types: deb',
      '# http://snapshot.debian.org/archive/debian/20250520T000000Z',
      'URIs: http://deb.debian.org/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main',
      '',
      'Types: deb deb-src',
      'URIs: http://a.example/debian',
      ' http://b.example/debian',
      'Suites: trixie',
      'Components: main',
      '',
      'Enabled: no',
      'Types: deb',
      'URIs: http://off.example/debian',
      'Suites: bookworm',
      '',
      'Types: deb-src',
      'URIs: http://only-src.example/debian',
      'Suites: bookworm',
    ].join('\n');
    expect(parseDeb822Sources(text)).toEqual([
      {
        uri: 'http://deb.debian.org/debian',
        suites: ['bookworm', 'bookworm-updates'],
        components: ['main'],
      },
      { uri: 'http://a.example/debian', suites: ['trixie'], components: ['main'] },
      { uri: 'http://b.example/debian', suites: ['trixie'], components: ['main'] },
    ]);
  });

  it('picks the URI serving the suite itself, not -security or -updates, without a trailing slash', () => {
    const sources = [
      {
        uri: 'http://deb.debian.org/debian-security',
        suites: ['bookworm-security'],
        components: [],
      },
      { uri: 'file:/srv/local', suites: ['bookworm'], components: [] },
      {
        uri: 'http://mirror.example/debian/',
        suites: ['bookworm-updates', 'bookworm'],
        components: [],
      },
    ];
    expect(pickDebianMirror(sources, 'bookworm')).toBe('http://mirror.example/debian');
    expect(() => pickDebianMirror(sources, 'trixie')).toThrow(/no apt source lists suite "trixie"/);
  });

  describe('reading an /etc/apt tree', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'apt-'));
      mkdirSync(join(root, 'sources.list.d'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('reads .list and .sources files and ignores disabled leftovers', () => {
      writeFileSync(
        join(root, 'sources.list.d', 'cloud.list.disabled-by-farm'),
        'deb http://no.example/ bookworm main\n',
      );
      writeFileSync(
        join(root, 'sources.list.d', 'debian.sources'),
        'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n',
      );
      const { files } = machineAptSources(root);
      expect(files).toEqual([join(root, 'sources.list.d', 'debian.sources')]);
      expect(machineDebianMirror('bookworm', root)).toBe('http://deb.debian.org/debian');
    });

    it('names the files it read when no source fits', () => {
      writeFileSync(join(root, 'sources.list'), 'deb http://deb.debian.org/debian trixie main\n');
      expect(() => machineDebianMirror('bookworm', root)).toThrow(
        new RegExp(
          `no apt source lists suite "bookworm".*${join(root, 'sources.list')}.*STREAMLAB_DEBIAN_MIRROR`,
        ),
      );
    });
  });
});
