/**
 * How `lab host` commands report lab failures: a missing prerequisite or a bad name is the
 * user's to fix (no stack trace); anything else keeps its message too, since it names the
 * program or resource that failed.
 */
import { UserFacingError } from '../cli/command';

export async function asUserFacing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UserFacingError) throw e;
    throw new UserFacingError((e as Error).message);
  }
}
