import { EXIT, UsageError } from '../../config/errors';
import { parseOptions, type Command } from '../cli/command';
import { ensureRootfs } from '../../testhost/api';
import { lineReporter } from '../../labs/progress';
import { progressNotes } from '../cli/testhost-progress';
import { usage } from './help/lab-rootfs';

export const command: Command = {
  usage,
  async run(args) {
    const { values, positionals } = parseOptions(args, { rebuild: { type: 'boolean' } }, true);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const tarball = await ensureRootfs({
      onProgress: progressNotes(lineReporter()),
      rebuild: values.rebuild === true,
    });
    console.log(tarball);
    return EXIT.ok;
  },
};
