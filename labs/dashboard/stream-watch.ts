/**
 * One stream read continuously for the dashboard's analysis, from the oldest record it
 * retains: each record goes to the micro-batch. The tiles' numbers and the stream charts
 * are not counted here: they are the class snapshot's (labs/class/class-snapshot.ts), the
 * same measurement `streamlab check` prints.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { readStream, type StreamRecord } from '../stream/reader';

/** Records per GetRecords call: a class's backlog arrives in pieces. */
const RECORDS_PER_CALL = 200;

export class StreamWatch {
  error: string | undefined;
  readonly done: Promise<void>;

  constructor(
    readonly stream: string,
    client: KinesisClient,
    onRecord: (stream: string, r: StreamRecord) => void,
    signal: AbortSignal,
    pollMs: number,
    /** Resolves when the consumer can take more (a reader never runs far ahead of it). */
    ready: () => Promise<void>,
  ) {
    this.done = readStream(client, stream, {
      from: 'trim-horizon',
      pollMs,
      signal,
      // Small reads, held back while the analysis is behind: catching up with a full
      // stream then costs a few batches' memory, not the whole backlog's.
      recordsPerCall: RECORDS_PER_CALL,
      beforePoll: ready,
      onRecord: (r) => onRecord(stream, r),
    }).then(
      () => undefined,
      (e: Error) => {
        // Shown on the page beside the stream; the rest of the class keeps updating.
        this.error = e.message;
      },
    );
  }
}
