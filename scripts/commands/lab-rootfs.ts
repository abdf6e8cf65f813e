import { EXIT, UsageError, parseOptions, type Command } from '../command';
import { ensureRootfs } from '../lab/testhost';
import { asUserFacing, progressToStderr } from './lab-host-errors';

export const command: Command = {
  path: ['lab', 'rootfs'],
  summary: 'Build the cached Debian 12 rootfs test hosts boot from (root, Linux)',
  usage: [
    'Usage: streamlab lab rootfs [--rebuild]',
    '',
    'Builds the test-host rootfs once (debootstrap from the mirror in /etc/apt) and caches',
    'it as a tarball under ~/.cache/streamlab/testhost ($STREAMLAB_CACHE/testhost). Does',
    'nothing when the cache matches the current recipe. Prints the tarball path.',
    '',
    'Options:',
    '  --rebuild   build again even when the cache is current (no host may be up)',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseOptions(args, { rebuild: { type: 'boolean' } }, true);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const tarball = await asUserFacing(() =>
      ensureRootfs({ onProgress: progressToStderr, rebuild: values.rebuild === true }),
    );
    console.log(tarball);
    return EXIT.ok;
  },
};
