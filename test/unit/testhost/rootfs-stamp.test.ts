import { BASE_PACKAGES, rootfsPaths, rootfsStamp } from '../../../testhost/rootfs';

describe('rootfs cache stamp', () => {
  it('is stable for one recipe and changes with the mirror', () => {
    const a = rootfsStamp('http://deb.debian.org/debian');
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(rootfsStamp('http://deb.debian.org/debian')).toBe(a);
    expect(rootfsStamp('http://mirror.example/debian')).not.toBe(a);
  });

  it('names tarball and base after the stamp, under the cache dir', () => {
    const saved = process.env.STREAMLAB_CACHE;
    process.env.STREAMLAB_CACHE = '/c';
    try {
      expect(rootfsPaths('abc')).toEqual({
        tarball: '/c/testhost/rootfs-bookworm-abc.tar.zst',
        base: '/c/testhost/base-bookworm-abc',
      });
    } finally {
      if (saved === undefined) delete process.env.STREAMLAB_CACHE;
      else process.env.STREAMLAB_CACHE = saved;
    }
  });

  it('keeps what the playbook installs out of the base image', () => {
    for (const p of ['python3-pip', 'python3-boto3', 'python3-websockets', 'python3-tweepy'])
      expect(BASE_PACKAGES).not.toContain(p);
    expect(BASE_PACKAGES).toEqual(
      expect.arrayContaining(['openssh-server', 'python3-venv', 'sudo', 'systemd-sysv']),
    );
  });
});
