import { EXIT, UsageError } from '../../config/errors';
import type { Command } from '../cli/command';
import { jsonOption, parseCommandLine } from '../cli/options';
import { hostDown, hostUp, inventoryEntry } from '../../testhost/api';
import { hostNameProblem } from '../../testhost/state';
import { lineReporter } from '../../labs/progress';
import { progressNotes } from '../cli/testhost-progress';
import { runDirFromEnv } from '../../testhost/paths';
import { usage } from './help/testhost-up';

export const command: Command = {
  usage,
  async run(args) {
    const { options, positionals } = parseCommandLine(args, {}, { json: jsonOption }, true);
    if (positionals.length !== 1) throw new UsageError('expected exactly one host NAME');
    const name = positionals[0]!;
    const problem = hostNameProblem(name);
    if (problem !== undefined) throw new UsageError(problem);
    const runDir = runDirFromEnv();
    const progress = progressNotes(lineReporter());
    // Ctrl-C mid-boot: take the half-booted host down rather than leave it for the next run.
    let takingDown: Promise<void> | undefined;
    const onInterrupt = () => {
      progress(`interrupted: taking ${name} down`);
      takingDown ??= hostDown(name, { runDir });
    };
    process.on('SIGINT', onInterrupt);
    process.on('SIGTERM', onInterrupt);
    let host;
    try {
      host = await hostUp(name, { onProgress: progress, runDir });
    } catch (e) {
      if (!takingDown) throw e;
    } finally {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
    }
    if (takingDown || !host) {
      await takingDown;
      await hostDown(name, { runDir }); // whatever hostUp created after the first pass
      return EXIT.interrupted;
    }
    if (options.json) {
      console.log(JSON.stringify(inventoryEntry(host)));
    } else {
      console.log(`${host.name} is up at ${host.address} (host key ${host.hostKeyFingerprint})`);
      console.log(`  ssh -i ${host.privateKeyPath} ${host.user}@${host.address}`);
    }
    return EXIT.ok;
  },
};
