/** The hex sha256 by which file contents are compared on both sides (the host's sha256sum prints the same). */
import { createHash } from 'node:crypto';

export const sha256 = (data: string | Buffer): string =>
  createHash('sha256').update(data).digest('hex');
