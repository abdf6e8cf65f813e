/**
 * The one question `up` and `down` ask before changing anything. Without a terminal
 * there is nobody to answer: refuse (exit 2) unless --yes said so up front.
 */
import { createInterface } from 'node:readline/promises';
import { EXIT, UserFacingError } from '../command';

export type Confirm = (question: string) => Promise<boolean>;

export function terminalConfirm(opts: { yes: boolean; isTTY?: boolean }): Confirm {
  return async (question) => {
    if (opts.yes) return true;
    if (!(opts.isTTY ?? (process.stdin.isTTY && process.stderr.isTTY))) {
      throw new UserFacingError(
        `${question} — no terminal to ask on: pass --yes to confirm (nothing was changed)`,
        EXIT.usage,
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
