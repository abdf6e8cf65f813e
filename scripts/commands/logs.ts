/**
 * `streamlab logs HOST`: the producer service's journal over the engine's SSH connection
 * (pinned host key), streamed as it arrives; -f follows until Ctrl-C.
 */
import { connect } from '../../provisioning/engine/connection';
import { quote } from '../../provisioning/engine/quote';
import { terminalSafeDecoder } from '../../provisioning/engine/untrusted-text';
import { hostSpecOf } from '../../provisioning/inventory';
import { PRODUCER_SERVICE } from '../../provisioning/playbooks/producer-host';
import { EXIT, OperationalError, UsageError } from '../../config/errors';
import type { Command } from '../cli/command';
import { inventoryOption, parseCommandLine } from '../cli/options';
import { findHost } from '../../labs/hosts/inventory-file';
import { usage } from './help/logs';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options, positionals } = parseCommandLine(
      args,
      { follow: { type: 'boolean', short: 'f' }, lines: { type: 'string', short: 'n' } },
      { choice: inventoryOption },
      true,
    );
    if (positionals.length !== 1)
      throw new UsageError(positionals.length === 0 ? 'name a HOST' : 'name exactly one HOST');
    const lines = values.lines === undefined ? 50 : Number(values.lines);
    if (!Number.isInteger(lines) || lines < 0)
      throw new UsageError(`--lines: "${values.lines}" is not a whole number ≥ 0`);
    const inventory = ctx.inventory(options.choice);
    const host = findHost(inventory, positionals[0]!);
    const conn = await connect(hostSpecOf(host), { deadlineMs: 15_000, authGraceMs: 0 }).catch(
      (e: Error) => {
        throw new OperationalError(e.message, { cause: e });
      },
    );
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      // --all: lines in full (else journalctl shows "[20B blob data]" for a post with a
      // control character); they are made terminal-safe here instead.
      const script = `journalctl -u ${quote(PRODUCER_SERVICE)} --no-pager --all -o short-iso -n ${lines}${values.follow ? ' -f' : ''}`;
      // The journal holds whatever the producer logged (posts included): shown inert.
      const out = terminalSafeDecoder();
      const err = terminalSafeDecoder();
      const code = await conn.stream(script, {
        onStdout: (d) => process.stdout.write(out.write(d)),
        onStderr: (d) => process.stderr.write(err.write(d)),
        signal: abort.signal,
      });
      process.stdout.write(out.end());
      process.stderr.write(err.end());
      if (abort.signal.aborted) return EXIT.interrupted;
      if (code !== 0) throw new OperationalError(`${host.name}: journalctl exited with ${code}`);
      return EXIT.ok;
    } finally {
      process.off('SIGINT', onSigint);
      conn.close();
    }
  },
};
