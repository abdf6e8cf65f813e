import { EXIT, parseOptions, type Command } from '../cli/command';
import { loadOfflineConfig } from '../offline-lab/lab-config';
import { labDown } from '../offline-lab/down';
import { usage } from './help/lab-down';

export const command: Command = {
  usage,
  async run(args, ctx) {
    parseOptions(args, {});
    const { config } = loadOfflineConfig(ctx.configFile);
    const result = await labDown(config.name, { onStep: (m) => console.error(m) });
    console.log(
      result.found
        ? `lab ${config.name} is down (${result.hosts.length} host(s)${result.emulatorStopped ? ', kinesalite' : ''})`
        : `no offline lab ${config.name} was running here`,
    );
    return EXIT.ok;
  },
};
