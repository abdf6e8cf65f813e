/**
 * How `lab host` commands report. Progress: the Reporter's notes, `streamlab: ` first
 * (cli.test and scripts read them so), on stderr so stdout stays one parseable JSON
 * document. Failures: a missing prerequisite or a bad name is the user's to fix (no stack
 * trace); anything else keeps its message too, since it names the program or resource
 * that failed.
 */
import { UserFacingError } from './command';
import type { Reporter } from '../../labs/progress';

export async function asUserFacing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UserFacingError) throw e;
    throw new UserFacingError((e as Error).message);
  }
}

/** The test host's progress callback, printing through `r`. */
export const progressNotes =
  (r: Reporter) =>
  (msg: string): void =>
    r.note(`streamlab: ${msg}`);
