/**
 * How `lab host` commands and `lab rootfs` report progress: the Reporter's notes,
 * `streamlab: ` first (cli.test and scripts read them so), on stderr so stdout stays one
 * parseable JSON document.
 */
import type { Reporter } from '../../labs/progress';

/** The test host's progress callback, printing through `r`. */
export const progressNotes =
  (r: Reporter) =>
  (msg: string): void =>
    r.note(`streamlab: ${msg}`);
