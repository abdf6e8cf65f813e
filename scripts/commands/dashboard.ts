/**
 * `streamlab dashboard`: the lab as a live web page on 127.0.0.1 (labs/dashboard). The
 * inventory names the hosts and their streams; --offline picks the offline lab's, and
 * nothing else differs.
 */
import { streamlab } from '../../config/command-form';
import { EXIT, UsageError } from '../../config/errors';
import type { Command } from '../cli/command';
import { inventoryOption, parseCommandLine } from '../cli/options';
import { awsClassFacts } from '../../labs/class/aws-facts';
import { startDashboard } from '../../labs/dashboard/dashboard';
import { chosenLab } from '../cli/lab-choice';
import { lineReporter } from '../../labs/progress';
import { enterRehearsal } from '../../labs/rehearsal/session';
import { openInBrowser } from '../../labs/dashboard/open-browser';
import { sleep } from '../../process/run';
import { usage } from './help/dashboard';

const CLOSE_GRACE_MS = 5_000;

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      { port: { type: 'string' }, 'no-open': { type: 'boolean' }, outputs: { type: 'string' } },
      { choice: inventoryOption },
    );
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535))
      throw new UsageError(`--port: "${values.port}" is not a port number (1-65535)`);
    const { choice } = options;
    const { hosts } = ctx.inventory(choice);
    const { lab, mode } = chosenLab(ctx, choice, hosts);
    const config = mode === 'offline' ? undefined : ctx.config(choice);
    // A rehearsal's lake and roles are moto's: its SDK calls go there, as `check`'s do.
    if (config?.rehearsal) await enterRehearsal(config, { start: false, reporter: lineReporter() });
    // The AWS lab's facts (bucket, reader roles) are the stack's names: read once, here.
    const dashboard = await startDashboard({
      lab,
      mode,
      hosts,
      ...(config ? { aws: await awsClassFacts(config, values.outputs) } : {}),
      ...(port === undefined ? {} : { port }),
    });
    // Listening before the address is shown: whoever reads it may press Ctrl-C at once, and a
    // SIGINT with no listener yet would kill the process without the message below.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    // The one place the token is shown: the operator's own terminal.
    console.log(`dashboard of ${lab}: ${dashboard.url}`);
    console.error("(the address holds the page's token: keep it to yourself; Ctrl-C stops)");
    if (!values['no-open']) openInBrowser(dashboard.url);
    await stopped;
    // Said first: under `npm start`, npm may end with the page while the lab runs on.
    console.error(stillRunning(lab, mode === 'offline'));
    // A reader may be waiting out the SDK's retries against a stream that went away: the
    // page stops at once, the rest gets a few seconds.
    await Promise.race([dashboard.close(), sleep(CLOSE_GRACE_MS)]);
    return EXIT.ok;
  },
};

/** After Ctrl-C: the page stops, the lab does not; how to stop that too. */
export function stillRunning(lab: string, offline: boolean): string {
  return offline
    ? `dashboard stopped; the offline lab ${lab} is still running: \`${streamlab('lab status')}\` shows it, \`${streamlab('lab down')}\` stops it and removes every trace`
    : `dashboard stopped; the lab ${lab} is still up on AWS (it costs money while up): \`${streamlab('down')}\` removes it`;
}
