/** `streamlab lab host up --help`, apart from the command so printing it loads nothing else. */
export const usage = [
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
].join('\n');
