/** `streamlab lab rootfs --help`, apart from the command so printing it loads nothing else. */
export const usage = [
  'Usage: streamlab lab rootfs [--rebuild]',
  '',
  'Builds the test-host rootfs once (debootstrap from the mirror in /etc/apt) and caches',
  'it as a tarball under ~/.cache/streamlab/testhost ($STREAMLAB_CACHE/testhost). Does',
  'nothing when the cache matches the current recipe. Prints the tarball path.',
  '',
  'Options:',
  '  --rebuild   build again even when the cache is current (no host may be up)',
].join('\n');
