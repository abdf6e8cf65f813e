/**
 * A problem with what the stack was given (a missing key file, a private key where a
 * public one belongs) rather than a bug: input the user must fix, so the dispatcher
 * prints it without a trace like a bad config.
 */
import { InputError } from '../config/errors';

export class StackInputError extends InputError {
  /** 1 by default (a file to create); 2 for a value the user must change, like bad input. */
  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message, { exitCode });
    this.name = 'StackInputError';
  }
}
