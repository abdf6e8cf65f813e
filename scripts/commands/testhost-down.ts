import { EXIT, UsageError } from '../../config/errors';
import { parseOptions, type Command } from '../cli/command';
import { hostNameProblem } from '../../testhost/state';
import { hostDown, hostDownAll, hostList } from '../../testhost/api';
import { runDirFromEnv } from '../../testhost/paths';
import { usage } from './help/testhost-down';

export const command: Command = {
  usage,
  async run(args) {
    const { values, positionals } = parseOptions(args, { all: { type: 'boolean' } }, true);
    const runDir = runDirFromEnv();
    if (values.all) {
      if (positionals.length > 0) throw new UsageError('give either NAME or --all, not both');
      const names = await hostDownAll({ runDir });
      for (const n of names) console.log(`${n} down`);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError('expected one host NAME (or --all)');
    const name = positionals[0]!;
    const problem = hostNameProblem(name);
    if (problem !== undefined) throw new UsageError(problem);
    const known = (await hostList({ runDir })).some((h) => h.name === name);
    await hostDown(name, { runDir });
    console.log(known ? `${name} down` : `no host ${name}`);
    return EXIT.ok;
  },
};
