import { EXIT, UsageError } from '../../config/errors';
import type { Command } from '../cli/command';
import { jsonOption, parseCommandLine } from '../cli/options';
import { hostList } from '../../testhost/api';
import { runDirFromEnv } from '../../testhost/paths';
import { usage } from './help/testhost-list';

export const command: Command = {
  usage,
  async run(args) {
    const { options, positionals } = parseCommandLine(args, {}, { json: jsonOption }, true);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const hosts = await hostList({ runDir: runDirFromEnv() });
    if (options.json) {
      console.log(JSON.stringify(hosts));
      return EXIT.ok;
    }
    if (hosts.length === 0) {
      console.log('no test hosts');
      return EXIT.ok;
    }
    const rows = [
      ['NAME', 'ADDRESS', 'GATEWAY', 'HOST KEY'],
      ...hosts.map((h) => [h.name, h.address, h.gateway, h.hostKeyFingerprint]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows)
      console.log(
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
    return EXIT.ok;
  },
};
