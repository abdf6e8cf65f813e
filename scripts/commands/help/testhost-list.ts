/** `streamlab lab host list --help`, apart from the command so printing it loads nothing else. */
export const usage = [
  'Usage: streamlab lab host list [--json]',
  '',
  'Lists the test hosts of this machine (state in /run/streamlab/hosts, or',
  '$STREAMLAB_RUN_DIR/hosts).',
  '',
  'Options:',
  '  --json   print one JSON array on stdout, one object per host:',
  '           {"name","address","port","user","privateKeyPath","hostKeyFingerprint",',
  '            "gateway","netns"}',
].join('\n');
