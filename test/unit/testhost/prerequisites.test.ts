import {
  missingPrerequisites,
  REQUIRED_PROGRAMS,
  type Platform,
} from '../../../testhost/prerequisites';

const machine = (over: Partial<Platform>): Platform => ({
  platform: 'linux',
  uid: 0,
  hasProgram: () => true,
  ...over,
});

describe('test host prerequisites', () => {
  it('accepts root on Linux with every program', () => {
    expect(missingPrerequisites(machine({}))).toEqual([]);
  });

  it('refuses other systems outright', () => {
    expect(missingPrerequisites(machine({ platform: 'darwin' }))).toEqual([
      expect.stringMatching(/need Linux .* this is darwin/),
    ]);
  });

  it('asks for root', () => {
    expect(missingPrerequisites(machine({ uid: 1000 }))).toEqual([
      expect.stringMatching(/need root/),
    ]);
  });

  it('names missing programs and the apt-get install that provides them', () => {
    const absent = new Set(['systemd-nspawn', 'apt-cacher-ng', 'debootstrap']);
    const problems = missingPrerequisites(machine({ hasProgram: (p) => !absent.has(p) }));
    expect(problems).toEqual([
      'missing programs debootstrap, systemd-nspawn, apt-cacher-ng: apt-get install --no-install-recommends debootstrap systemd-container apt-cacher-ng',
    ]);
  });

  it('maps every required program to a package', () => {
    for (const [prog, pkg] of Object.entries(REQUIRED_PROGRAMS))
      expect([prog, pkg.length > 0]).toEqual([prog, true]);
  });
});
