/**
 * The offline lab's detached kinesalite (real process, loopback only): reused when it
 * already serves the same addresses, identified by argv so that neither a reused PID nor
 * another lab's emulator is ever signalled, and stopped for good.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import {
  ensureEmulator,
  isOurEmulator,
  stopEmulator,
} from '../../../../labs/offline/emulator-service';
import { ensureStream, hasRecord } from '../../../../labs/offline/local-stream';
import { kinesisClient } from '../../../../labs/stream/client';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';

import { processAlive } from '../../../../testhost/state';
jest.setTimeout(60_000);

const alive = processAlive;

describe('offline lab emulator process (kinesalite, loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-emu-'));
  const tag = join(dir, 'offline-lab.json');
  const log = join(dir, 'kinesalite.log');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts, is reused, serves a stream, and only its own tag can stop it', async () => {
    const first = await ensureEmulator(undefined, ['127.0.0.1'], tag, log);
    expect(first.started).toBe(true);
    const { pid, port } = first.emulator;
    try {
      expect(isOurEmulator(pid, tag)).toBe(true);
      expect(isOurEmulator(pid, join(dir, 'another-lab.json'))).toBe(false);
      expect(isOurEmulator(process.pid, tag)).toBe(false); // a live PID that is not ours

      const again = await ensureEmulator(first.emulator, ['127.0.0.1'], tag, log);
      expect(again).toEqual({ emulator: first.emulator, started: false });

      const client = kinesisClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}` });
      try {
        expect(await ensureStream(client, 'lab', 2)).toBe('created');
        expect(await ensureStream(client, 'lab', 2)).toBe('exists');
        expect((await client.send(new ListStreamsCommand({}))).StreamNames).toEqual(['lab']);
        expect(await hasRecord(client, 'lab')).toBe(false);
        // One record: one of the two shards holds it, the other stays empty.
        await client.send(
          new PutRecordsCommand({
            StreamName: 'lab',
            Records: [{ Data: Buffer.from('{"id":"0"}\n'), PartitionKey: 'author-0' }],
          }),
        );
        expect(await hasRecord(client, 'lab')).toBe(true);
      } finally {
        client.destroy();
      }

      await stopEmulator(first.emulator, join(dir, 'another-lab.json'));
      expect(alive(pid)).toBe(true);
    } finally {
      await stopEmulator(first.emulator, tag);
    }
    expect(alive(pid)).toBe(false);
    await stopEmulator(first.emulator, tag); // twice is fine
  });

  it('the detached emulator gets a minimal environment: no secret of the operator', async () => {
    const secret = 'x-token-that-must-not-leak';
    const saved = {
      STREAMLAB_X_BEARER_TOKEN: process.env.STREAMLAB_X_BEARER_TOKEN,
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
    };
    process.env.STREAMLAB_X_BEARER_TOKEN = secret;
    process.env.AWS_SECRET_ACCESS_KEY = secret;
    try {
      const { emulator } = await ensureEmulator(undefined, ['127.0.0.1'], tag, log);
      try {
        const environ = readFileSync(`/proc/${emulator.pid}/environ`, 'utf8').split('\0');
        const names = environ.filter(Boolean).map((kv) => kv.split('=')[0]);
        expect(environ.join('\n')).not.toContain(secret);
        expect(names.sort()).toEqual(['HOME', 'NODE_PATH', 'PATH']);
      } finally {
        await stopEmulator(emulator, tag);
      }
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
