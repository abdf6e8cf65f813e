/**
 * The one question `up` and `down` ask before changing anything. Without a terminal
 * there is nobody to answer: refuse (exit 2) unless --yes said so up front.
 */
import { createInterface } from 'node:readline/promises';
import { InputError } from '../../config/errors';
import type { Confirm } from '../../labs/progress';

const hasTerminal = () => Boolean(process.stdin.isTTY && process.stderr.isTTY);

/**
 * Checked before anything runs, so a script without --yes learns it at once instead of
 * after minutes of preflight and planning.
 */
export function assertCanConfirm(opts: { yes: boolean; isTTY?: boolean }, action: string): void {
  if (opts.yes || (opts.isTTY ?? hasTerminal())) return;
  throw new InputError(
    `${action} asks for confirmation, but there is no terminal to ask on: pass --yes (nothing was changed)`,
  );
}

export function terminalConfirm(opts: { yes: boolean; isTTY?: boolean }): Confirm {
  return async (question) => {
    if (opts.yes) return true;
    if (!(opts.isTTY ?? hasTerminal())) {
      throw new InputError(
        `${question} — no terminal to ask on: pass --yes to confirm (nothing was changed)`,
      );
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`${question} Type "yes" to continue: `);
      return answer.trim().toLowerCase() === 'yes';
    } finally {
      rl.close();
    }
  };
}
