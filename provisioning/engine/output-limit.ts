/**
 * A bound on what the engine keeps of one command's output. Hosts are not trusted (a
 * student has root on theirs): without a bound, `yes` in a fact would grow the operator's
 * memory until Node aborts. The first `limit` bytes are kept, the rest only counted, and
 * the text ends by saying how much was dropped, so nothing is lost silently.
 */

/** Per stream of one command: far above any fact or error output the playbooks produce. */
export const MAX_COMMAND_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface BoundedOutput {
  push(chunk: Buffer): void;
  /** The kept output as UTF-8, with a last line naming the excess when there was one. */
  text(): string;
  readonly keptBytes: number;
  readonly dropped: number;
}

export function boundedOutput(limit = MAX_COMMAND_OUTPUT_BYTES): BoundedOutput {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  return {
    push(chunk) {
      const room = limit - kept;
      if (room >= chunk.length) {
        chunks.push(chunk);
        kept += chunk.length;
        return;
      }
      if (room > 0) {
        chunks.push(chunk.subarray(0, room));
        kept = limit;
      }
      dropped += chunk.length - Math.max(room, 0);
    },
    text() {
      const head = Buffer.concat(chunks).toString('utf8');
      return dropped === 0
        ? head
        : `${head}\n[streamlab: ${dropped} more bytes of output were not kept (limit ${limit} bytes)]`;
    },
    get keptBytes() {
      return kept;
    },
    get dropped() {
      return dropped;
    },
  };
}
