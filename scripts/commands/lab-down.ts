import { EXIT } from '../../config/errors';
import { parseOptions, type Command } from '../cli/command';
import { lineReporter } from '../../labs/progress';
import { labDown } from '../../labs/offline/down';
import { offlineRunDir } from '../../labs/offline/run-dir';
import { runDirFromEnv } from '../../testhost/paths';
import { usage } from './help/lab-down';

export const command: Command = {
  usage,
  async run(args, ctx) {
    parseOptions(args, {});
    const config = ctx.config({ offline: true });
    const result = await labDown(config.name, {
      runDir: offlineRunDir(config.name, runDirFromEnv()),
      reporter: lineReporter(),
    });
    console.log(
      result.found
        ? `lab ${config.name} is down (${result.hosts.length} host(s), ${result.streams.length} stream(s)${result.emulatorStopped ? ', kinesalite' : ''})`
        : `no offline lab ${config.name} was running here`,
    );
    return EXIT.ok;
  },
};
