/** Which Ubuntu image a host boots: Canonical's, in the instance type's architecture. */
import { archForInstanceType, ubuntuAmiNamePattern } from '../../../stacks/ubuntu-ami';

describe('Ubuntu AMI', () => {
  it.each([
    ['t3.micro', 'amd64'],
    ['t4g.small', 'arm64'],
    ['m7gd.large', 'arm64'],
    ['c7gn.xlarge', 'arm64'],
    ['a1.medium', 'arm64'],
    ['g4dn.xlarge', 'amd64'],
    ['m7i.large', 'amd64'],
  ])('picks %s → %s', (type, arch) => {
    expect(archForInstanceType(type)).toBe(arch);
  });

  it('maps 22.04 to jammy', () => {
    expect(ubuntuAmiNamePattern('22.04', 't4g.micro')).toBe(
      'ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-arm64-server-*',
    );
  });
});
