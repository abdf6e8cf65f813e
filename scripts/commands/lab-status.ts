import { terminalSafe, terminalSafeJson } from '../../provisioning/engine/untrusted-text';
import { EXIT } from '../../config/errors';
import type { Command } from '../cli/command';
import { jsonOption, parseCommandLine } from '../cli/options';
import { labStatus } from '../../labs/offline/status';
import { usage } from './help/lab-status';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { options } = parseCommandLine(args, {}, { json: jsonOption });
    const config = ctx.config({ offline: true });
    const status = await labStatus(config.name);
    if (!status) {
      if (options.json)
        console.log(JSON.stringify({ name: config.name, up: false, hosts: [], stream: null }));
      else console.error(`no offline lab ${config.name} here (start one: streamlab lab up)`);
      return EXIT.failed;
    }
    if (options.json) {
      console.log(terminalSafeJson(status));
      return status.up ? EXIT.ok : EXIT.failed;
    }
    console.log(`lab ${status.name}: ${status.up ? 'up' : 'NOT fully up'}`);
    for (const h of status.hosts) {
      const state = !h.running
        ? 'DOWN'
        : `${h.reachable ? 'ssh ok' : 'ssh UNREACHABLE'}, producer ${h.producer}`;
      console.log(
        `  ${h.name.padEnd(12)} ${(h.address ?? '').padEnd(11)} ${state}${h.error ? ` (${terminalSafe(h.error)})` : ''}`,
      );
    }
    const s = status.stream;
    const records =
      s.records === null
        ? 'records unknown'
        : `${s.records} records, ${s.recordsPerSecond ?? 0} rec/s`;
    console.log(
      `  stream       ${s.name}: ${records} (kinesalite ${s.emulator}${s.endpoint ? ` at ${s.endpoint}` : ''})`,
    );
    return status.up ? EXIT.ok : EXIT.failed;
  },
};
