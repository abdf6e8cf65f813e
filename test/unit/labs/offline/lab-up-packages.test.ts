/**
 * `streamlab lab up` on a machine that lacks the lab's Debian packages, as a real process
 * without a terminal: a dpkg-query placed first on PATH reports none of them installed
 * (a stand-in, since removing packages here would break the machine's other users).
 * Nothing may be installed; the exact apt-get line is printed and the exit status is 2.
 */
import { runSync } from '../../../../process/run';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(__dirname, '../../../../scripts/streamlab.js');
let fakeBin: string;
beforeAll(() => {
  fakeBin = mkdtempSync(join(tmpdir(), 'streamlab-nodpkg-'));
  // As dpkg-query -W answers for packages that are known but not installed.
  writeFileSync(
    join(fakeBin, 'dpkg-query'),
    '#!/bin/sh\nfor a in "$@"; do case "$a" in -*) ;; *) echo "$a un ";; esac; done\n',
  );
  // Would show up in the output if the installer ran anything.
  writeFileSync(join(fakeBin, 'apt-get'), '#!/bin/sh\necho "APT-GET RAN $*" >&2\n');
  chmodSync(join(fakeBin, 'dpkg-query'), 0o755);
  chmodSync(join(fakeBin, 'apt-get'), 0o755);
});
afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

const isDebianFamily = (() => {
  try {
    return /^ID(_LIKE)?=.*\b(debian|ubuntu)\b/m.test(
      require('node:fs').readFileSync('/etc/os-release', 'utf8'),
    );
  } catch {
    return false;
  }
})();

(process.platform === 'linux' && isDebianFamily ? describe : describe.skip)(
  'lab up on a bare machine',
  () => {
    it('without a terminal prints what to install and exits 2, installing nothing', () => {
      const r = runSync([process.execPath, bin, 'lab', 'up'], {
        allowFailure: true,
        env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` },
        timeout: 30_000,
      });
      expect(r.stderr).not.toMatch(/APT-GET RAN/);
      expect(r.code).toBe(2);
      const names =
        'debootstrap systemd-container iproute2 openssh-client apt-cacher-ng zstd nftables';
      expect(r.stderr).toContain(`missing Debian packages ${names}`);
      if (process.getuid?.() === 0) {
        expect(r.stderr).toContain(
          `apt-get update && apt-get install -y --no-install-recommends ${names}`,
        );
        expect(r.stderr).toContain('or let streamlab do it: streamlab lab up --install-packages');
      } else {
        expect(r.stderr).toMatch(/needs root: sudo sh -c 'apt-get update && apt-get install/);
      }
    });

    (process.getuid?.() === 0 ? it : it.skip)(
      'as root, `lab packages --install` runs apt-get update once, then one install, saying why',
      () => {
        const r = runSync([process.execPath, bin, 'lab', 'packages', '--install'], {
          allowFailure: true,
          env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` },
          timeout: 30_000,
        });
        expect(r.code).toBe(0);
        const ran = r.stderr.split('\n').filter((l) => l.startsWith('APT-GET RAN'));
        expect(ran).toEqual([
          'APT-GET RAN update',
          'APT-GET RAN install -y --no-install-recommends debootstrap systemd-container iproute2 openssh-client apt-cacher-ng zstd nftables',
        ]);
        expect(r.stderr).toMatch(
          /installing 7 Debian packages with apt-get:\n {2}debootstrap +builds the Debian 12 image/,
        );
      },
    );
  },
);
