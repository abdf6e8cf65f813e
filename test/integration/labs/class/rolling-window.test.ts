/**
 * A stream's last minute kept between reads (RollingWindow), against a real kinesalite: a
 * second read brings only the records put since the first (counted by what GetRecords
 * returned), the window holds old and new alike, records older than the window drop out,
 * and a stream deleted and made again (as `reset` does) is read afresh after one failure.
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { RollingWindow } from '../../../../labs/class/stream-window';
import { kinesisClient } from '../../../../labs/stream/client';
import { startEmulator, type RunningEmulator } from '../../../../labs/stream/emulator';

jest.setTimeout(60_000);

const settle = () => new Promise((r) => setTimeout(r, 700)); // kinesalite's CREATING → ACTIVE

describe('RollingWindow on kinesalite', () => {
  let emulator: RunningEmulator;
  let client: KinesisClient;
  /** Records GetRecords handed back since the last reset: what a read cost the emulator. */
  let served = 0;

  beforeAll(async () => {
    emulator = await startEmulator();
    client = kinesisClient({ region: 'us-east-1', endpoint: emulator.endpoint });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === GetRecordsCommand.name)
          served += ((out.output as { Records?: unknown[] }).Records ?? []).length;
        return out;
      },
      { step: 'initialize', name: 'countServedRecords' },
    );
  });

  afterAll(async () => {
    client.destroy();
    await emulator.close();
  });

  const put = (stream: string, n: number, tag: string) =>
    client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: n }, (_, i) => ({
          Data: Buffer.from(`{"id":"${tag}${i}"}`),
          PartitionKey: `${tag}${i}`,
        })),
      }),
    );

  it('reads only what is new, keeps the minute, and drops what fell out of it', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'roll', ShardCount: 2 }));
    await settle();
    await put('roll', 40, 'a');
    const w = new RollingWindow();

    served = 0;
    const first = await w.read(client, 'roll', 60);
    expect(first.arrivals).toHaveLength(40);
    expect(served).toBe(40);

    await put('roll', 5, 'b');
    served = 0;
    const second = await w.read(client, 'roll', 60);
    expect(second.arrivals).toHaveLength(45);
    expect(served).toBe(5); // the 40 already kept were not served again

    // Ten minutes later none of it is in the window; nothing new was put.
    const later = await w.read(client, 'roll', 60, Date.now() + 600_000);
    expect(later.arrivals).toHaveLength(0);
  });

  it('starts over when the stream was deleted and made again', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'again', ShardCount: 1 }));
    await settle();
    await put('again', 10, 'old');
    const w = new RollingWindow();
    expect((await w.read(client, 'again', 60)).arrivals).toHaveLength(10);

    await client.send(new DeleteStreamCommand({ StreamName: 'again' }));
    await settle();
    await client.send(new CreateStreamCommand({ StreamName: 'again', ShardCount: 1 }));
    await settle();
    await put('again', 3, 'new');
    // The kept sequence number belongs to the old stream: either the emulator refuses it
    // (the read fails, and the next starts over) or it reads past it — never the old ten.
    const next = await w.read(client, 'again', 60).catch(() => w.read(client, 'again', 60));
    expect(next.arrivals).toHaveLength(3);
  });
});
