import { EXIT, parseOptions, type Command } from '../command';
import { loadOfflineConfig } from '../offline-lab/lab-config';
import { labDown } from '../offline-lab/down';

const usage = `Usage: streamlab lab down [--config FILE]

Stops the offline lab: the local Kinesis emulator (its records go with it), every test
host of the lab (network namespace, overlay, state), and removes the lab's record and
inventory under .streamlab/<name>/. Nothing else is touched. Safe to run twice, and
after an interrupted \`lab up\`. Needs root on Linux.

Exit status: 0 done (or nothing was running), 1 something could not be stopped.`;

export const command: Command = {
  path: ['lab', 'down'],
  summary: 'Stop the offline lab and remove every trace of it',
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
