/**
 * `streamlab extend --hours N`: moves the end of the class that AWS enforces.
 */
import { UsageError } from '../../config/errors';
import type { Command } from '../cli/command';
import { parseCommandLine, yesOption } from '../cli/options';
import { assertCanConfirm, terminalConfirm } from '../cli/confirm';
import { lineReporter } from '../../labs/progress';
import { runExtend } from '../../labs/class/extend';
import { usage } from './help/extend';

/** --hours: a positive number; the range is the config's (runExtend checks it). */
function hoursOf(raw: string | undefined): number {
  if (raw === undefined) throw new UsageError('--hours N is required (hours to add to the class)');
  const hours = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(hours) || hours <= 0)
    throw new UsageError(`--hours: "${raw}" is not a positive number of hours`);
  return hours;
}

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      { hours: { type: 'string' } },
      { yes: yesOption },
    );
    const hours = hoursOf(values.hours);
    const config = ctx.config();
    assertCanConfirm({ yes: options.yes }, 'streamlab extend');
    const result = await runExtend({
      config,
      hours,
      reporter: lineReporter(),
      confirm: terminalConfirm({ yes: options.yes }),
    });
    return result.exitCode;
  },
};
