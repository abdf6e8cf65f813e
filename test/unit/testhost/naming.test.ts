import { acngConfig } from '../../../testhost/aptcache';
import { validateHostName } from '../../../testhost/state';
import { linkNames } from '../../../testhost/netns';

describe('host names', () => {
  it.each(['a', 'lab', 'student-07', 'x'.repeat(32)])('accepts %s', (n) => {
    expect(() => validateHostName(n)).not.toThrow();
  });

  it.each(['', 'Lab', '7up', 'a_b', 'a-', 'x'.repeat(33), '../etc', 'a b'])(
    'refuses %j, naming it',
    (n) => {
      expect(() => validateHostName(n)).toThrow(`invalid host name "${n}"`);
    },
  );

  it('keeps the machine-side interface within the kernel limit of 15 characters', () => {
    expect(linkNames(254, 'x'.repeat(32)).veth.length).toBeLessThanOrEqual(15);
    expect(linkNames(3, 'lab')).toEqual({ netns: 'streamlab-3-lab', veth: 'slh3' });
  });
});

describe('apt-cacher-ng config', () => {
  const conf = acngConfig({
    cacheDir: '/c',
    logDir: '/l',
    pidFile: '/p',
    port: 3142,
    addresses: ['10.200.1.1', '10.200.2.1'],
  });

  it('binds only the given gateway addresses', () => {
    const bind = conf.split('\n').filter((l) => l.startsWith('BindAddress:'));
    expect(bind).toEqual(['BindAddress: 10.200.1.1 10.200.2.1']);
    expect(conf).not.toMatch(/0\.0\.0\.0|::/);
  });

  it('maps Debian archive requests to the backends file', () => {
    expect(conf).toContain('Remap-debrep: file:deb_mirror*.gz /debian ; file:backends_debian');
    expect(conf).toContain('PidFile: /p');
  });

  it('fetches only through the remapping: no other host, redirect, tunnel or report page', () => {
    const lines = conf.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining(['ForceManaged: 1', 'RedirMax: 0', 'PassThroughPattern: ^$']),
    );
    expect(conf).not.toMatch(/^ReportPage/m);
  });
});
