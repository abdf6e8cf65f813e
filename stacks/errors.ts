/**
 * A problem with what the stack was given (a missing key file, a private key where a
 * public one belongs) rather than a bug: the synth command prints it without a trace.
 */
export class StackInputError extends Error {
  /** 1 by default (a file to create); 2 for a value the user must change, like bad input. */
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'StackInputError';
  }
}
