/**
 * A problem with what the stack was given (a missing key file, a private key where a
 * public one belongs) rather than a bug: the synth command prints it without a trace.
 */
export class StackInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackInputError';
  }
}
