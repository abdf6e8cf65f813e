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
        console.log(
          JSON.stringify({ name: config.name, up: false, hosts: [], emulator: null, gate: null }),
        );
      else console.error(`no offline lab ${config.name} here (start one: streamlab lab up)`);
      return EXIT.failed;
    }
    if (options.json) {
      console.log(terminalSafeJson(status));
      return status.up ? EXIT.ok : EXIT.failed;
    }
    console.log(`lab ${status.name}: ${status.up ? 'up' : 'NOT fully up'}`);
    const width = Math.max(10, ...status.hosts.map((h) => h.name.length));
    for (const h of status.hosts) {
      const state = !h.running
        ? 'DOWN'
        : `${h.reachable ? 'ssh ok' : 'ssh UNREACHABLE'}, producer ${h.producer}`;
      const records =
        h.records === null
          ? 'records unknown'
          : `${h.records} records${h.recordsPerSecond === null ? '' : `, ${h.recordsPerSecond} rec/s`}`;
      console.log(
        `  ${h.name.padEnd(width)} ${(h.address ?? '').padEnd(11)} ${state}; ${h.stream}: ${records}${h.error ? ` (${terminalSafe(h.error)})` : ''}`,
      );
    }
    const e = status.emulator;
    console.log(
      `  ${'kinesalite'.padEnd(width)} ${e.state}${e.endpoint ? ` at ${e.endpoint}` : ''}`,
    );
    const g = status.gate;
    const ports = Object.entries(g.ports ?? {}).map(([host, port]) => `${host} :${port}`);
    console.log(
      `  ${'gate'.padEnd(width)} ${g.state}${g.address ? ` on ${g.address} (${ports.join(', ')}: each host's own stream only)` : ''}`,
    );
    return status.up ? EXIT.ok : EXIT.failed;
  },
};
