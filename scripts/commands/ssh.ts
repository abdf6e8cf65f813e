/**
 * `streamlab ssh HOST [-- CMD...]`: the system ssh, with the host's key and a known_hosts
 * that trusts only the pinned host key (StrictHostKeyChecking=yes: never TOFU silently),
 * nothing of the operator's forwarded to the host, and only the variables ssh needs.
 */
import { EXIT, OperationalError, UsageError } from '../../config/errors';
import type { Command } from '../cli/command';
import { inventoryOption, parseCommandLine } from '../cli/options';
import { findHost } from '../../labs/hosts/inventory-file';
import { pinnedKnownHosts } from '../../labs/hosts/known-hosts';
import { sshArgs, sshEnvironment } from '../../labs/hosts/ssh-argv';
import { runAttached } from '../../process/run';
import { usage } from './help/ssh';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const dash = args.indexOf('--');
    const own = dash === -1 ? args : args.slice(0, dash);
    const remote = dash === -1 ? [] : args.slice(dash + 1);
    const { options, positionals } = parseCommandLine(own, {}, { choice: inventoryOption }, true);
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? 'name a HOST'
          : `name exactly one HOST; put a remote command after "--" (got ${positionals.join(' ')})`,
      );
    }
    const inventory = ctx.inventory(options.choice);
    const host = findHost(inventory, positionals[0]!);
    const known = await pinnedKnownHosts(host);
    try {
      // The terminal's Ctrl-C belongs to the remote session: ssh handles it, we wait.
      const ignore = () => {};
      process.on('SIGINT', ignore);
      try {
        const { code, signal } = await runAttached(['ssh', ...sshArgs(host, known.file, remote)], {
          env: sshEnvironment(process.env),
        });
        return signal ? EXIT.interrupted : code;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT')
          throw new OperationalError(
            'ssh is not installed (Debian/Ubuntu: apt-get install openssh-client)',
            { cause: e },
          );
        throw e;
      } finally {
        process.off('SIGINT', ignore);
      }
    } finally {
      known.dispose();
    }
  },
};
