import { EXIT, UsageError, parseOptions, type Command } from '../command';
import { hostUp, toInfo } from '../lab/testhost';
import { validateHostName } from '../lab/state';
import { asUserFacing, progressToStderr } from './lab-host-errors';

export const command: Command = {
  path: ['lab', 'host', 'up'],
  summary: 'Boot a local Debian 12 test host reachable over SSH (root, Linux)',
  usage: [
    'Usage: streamlab lab host up NAME [--json]',
    '',
    'Boots test host NAME: Debian 12 with systemd, in its own network namespace, reachable',
    'over OpenSSH as user "ubuntu" (passwordless sudo, key only), like an EC2 Ubuntu host.',
    'If NAME is already up, prints it again; leftovers of a crashed run are cleaned first.',
    'The first run builds the rootfs cache (about 1-3 minutes). Needs root on Linux.',
    '',
    'NAME: 1-32 lowercase letters, digits and "-", starting with a letter (also the hostname).',
    '',
    'Options:',
    '  --json   print exactly one JSON object on stdout (progress goes to stderr):',
    '           {"name","address","port","user","privateKeyPath","hostKeyFingerprint"}',
    '',
    'Without --json prints the ssh command to reach the host.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseOptions(args, { json: { type: 'boolean' } }, true);
    if (positionals.length !== 1) throw new UsageError('expected exactly one host NAME');
    const name = positionals[0]!;
    try {
      validateHostName(name);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const host = await asUserFacing(() => hostUp(name, { onProgress: progressToStderr }));
    if (values.json) {
      console.log(JSON.stringify(toInfo(host)));
    } else {
      console.log(`${host.name} is up at ${host.address} (host key ${host.hostKeyFingerprint})`);
      console.log(`  ssh -i ${host.privateKeyPath} ${host.user}@${host.address}`);
    }
    return EXIT.ok;
  },
};
