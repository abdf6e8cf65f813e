/**
 * The stream reader and `streamlab tail` against a real kinesalite on 127.0.0.1. A post
 * takes over no terminal (issue 16): tail also runs in a real pseudo-terminal (util-linux
 * `script`) reading posts that carry an OSC 52 clipboard write, a screen clear, BEL, a C1
 * CSI and a bidi override; none may reach the pty raw, and `--json` must keep them exact.
 */
import {
  CreateStreamCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { join } from 'node:path';
import { quote } from '../../../../provisioning/engine/quote';
import { getEventListeners } from 'node:events';
import { main } from '../../../../scripts/cli/dispatch';
import { run } from '../../../../process/run';
import { kinesisClient } from '../../../../labs/stream/client';
import { startEmulator, type RunningEmulator } from '../../../../labs/stream/emulator';
import { describeRecord, readStream } from '../../../../labs/stream/reader';

jest.setTimeout(60_000);

const CLI = join(__dirname, '../../../../scripts/streamlab.js');
const HOSTILE_TEXT =
  'hi \x1b]52;c;cHduZWQ=\x07 \x1b[2J\x1b[H\x07 \u009b31m \u202eevil\u202c \x7f end';
const HOSTILE_AUTHOR = 'mallory\x1b]0;owned\x07';

/** Runs the CLI with a pty as its terminal; returns everything the pty received. */
async function inTerminal(args: string[]): Promise<string> {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const { stdout } = await run(['script', '-qec', command, '/dev/null'], {
    timeout: 45_000,
    env: { ...process.env, TERM: 'xterm' },
  });
  return stdout;
}

describe('stream reader on kinesalite', () => {
  let emulator: RunningEmulator;
  let client: KinesisClient;

  beforeAll(async () => {
    emulator = await startEmulator();
    client = kinesisClient({ region: 'us-east-1', endpoint: emulator.endpoint });
    await client.send(new CreateStreamCommand({ StreamName: 'tail-test', ShardCount: 2 }));
    const posts = Array.from({ length: 40 }, (_, i) => ({
      id: `p${i}`,
      author: `user${i % 7}`,
      text: `post number ${i}`,
      hashtags: ['COVID_19'],
      place: 'lima',
    }));
    await client.send(
      new PutRecordsCommand({
        StreamName: 'tail-test',
        Records: posts.map((p) => ({
          Data: Buffer.from(JSON.stringify(p) + '\n'),
          PartitionKey: p.author,
        })),
      }),
    );
    await client.send(new CreateStreamCommand({ StreamName: 'hostile', ShardCount: 1 }));
    await client.send(
      new PutRecordsCommand({
        StreamName: 'hostile',
        Records: [
          {
            Data: Buffer.from(
              JSON.stringify({ author: HOSTILE_AUTHOR, text: HOSTILE_TEXT, hashtags: ['x'] }),
            ),
            PartitionKey: 'mallory',
          },
          // Not JSON: tail prints the raw bytes, which must be made safe the same way.
          { Data: Buffer.from(`raw \x1b[2J \x1b]52;c;eA==\x07 bytes`), PartitionKey: 'raw\x1b[5m' },
        ],
      }),
    );
  });
  afterAll(async () => {
    client.destroy();
    await emulator.close();
  });

  it('reads every record from all shards, from the trim horizon', async () => {
    const seen: string[] = [];
    const total = await readStream(client, 'tail-test', {
      from: 'trim-horizon',
      limit: 40,
      pollMs: 50,
      onRecord: (r) => seen.push(describeRecord(r)),
    });
    expect(total).toBe(40);
    expect(new Set(seen).size).toBe(40);
    expect(seen).toContain('@user3: post number 10 #COVID_19 (lima)');
  });

  /** `streamlab tail` over the whole of STREAM from the trim horizon, stopping after LIMIT records. */
  const tailArgs = (stream: string, limit: number, ...more: string[]) => [
    'tail',
    '--stream',
    stream,
    '--region',
    'us-east-1',
    '--endpoint-url',
    emulator.endpoint,
    '--from',
    'trim-horizon',
    '--limit',
    String(limit),
    ...more,
  ];

  it('streamlab tail --limit prints records and exits 0', async () => {
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((m) => void out.push(String(m)));
    const err = jest.spyOn(console, 'error').mockImplementation(() => {});
    const code = await main(tailArgs('tail-test', 5, '--json'));
    log.mockRestore();
    err.mockRestore();
    expect(code).toBe(0);
    const records = out.map((l) => JSON.parse(l)).filter((o) => o.type === 'record');
    expect(records).toHaveLength(5);
    expect(records[0].data).toMatchObject({ hashtags: ['COVID_19'], place: 'lima' });
  });

  it('leaves no abort listener or warning behind, poll after poll', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const controller = new AbortController();
    const listeners: number[] = [];
    try {
      await readStream(client, 'tail-test', {
        from: 'latest',
        pollMs: 2,
        signal: controller.signal,
        onTick: () => {
          listeners.push(getEventListeners(controller.signal, 'abort').length);
          if (listeners.length === 60) controller.abort();
        },
      });
      await new Promise((r) => setImmediate(r)); // a warning is emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    // Before the fix each poll's sleep left its listener: 0, 1, 2, … 59.
    expect(listeners).toHaveLength(60);
    expect(new Set(listeners)).toEqual(new Set([0]));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(warnings).toEqual([]);
  });

  it('AWS_ENDPOINT_URL alone (the SDK standard variable) reaches kinesalite', async () => {
    const saved = { ...process.env };
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'])
      delete process.env[k];
    process.env.AWS_ENDPOINT_URL = emulator.endpoint;
    const out: string[] = [];
    const errors: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((m) => void out.push(String(m)));
    const err = jest.spyOn(console, 'error').mockImplementation((m) => void errors.push(String(m)));
    try {
      const code = await main(
        ['tail', '--stream', 'tail-test', '--region', 'us-east-1'].concat([
          '--from',
          'trim-horizon',
          '--limit',
          '3',
          '--json',
        ]),
      );
      expect(errors.join('\n')).not.toMatch(/Protocol error/);
      expect(code).toBe(0);
      expect(out.map((l) => JSON.parse(l)).filter((o) => o.type === 'record')).toHaveLength(3);
    } finally {
      log.mockRestore();
      err.mockRestore();
      process.env = saved;
    }
  });

  it('rejects a bad --from with exit 2', async () => {
    const err = jest.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['tail', '--stream', 'x', '--region', 'us-east-1', '--from', 'start'])).toBe(
      2,
    );
    err.mockRestore();
  });

  it('no ESC, BEL, C1 or bidi override reaches the terminal; they are shown instead', async () => {
    const screen = await inTerminal(tailArgs('hostile', 2));
    expect(screen).toMatch(/@mallory/);
    // eslint-disable-next-line no-control-regex
    expect(screen).not.toMatch(/[\x07\x1b\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(screen).toContain('\\x1b]52;c;cHduZWQ=\\x07');
    expect(screen).toContain('\\x1b[2J');
    expect(screen).toContain('\\u202eevil');
    expect(screen).toContain('raw \\x1b[2J');
  });

  it('--json stays exact: the post parses back byte for byte, yet holds no raw control', async () => {
    const screen = await inTerminal(tailArgs('hostile', 2, '--json'));
    // eslint-disable-next-line no-control-regex
    expect(screen).not.toMatch(/[\x07\x1b\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
    const records = screen
      .split(/\r?\n/)
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; data: unknown; partitionKey: string })
      .filter((o) => o.type === 'record');
    expect(records[0]!.data).toEqual({
      author: HOSTILE_AUTHOR,
      text: HOSTILE_TEXT,
      hashtags: ['x'],
    });
    expect(records[1]!.partitionKey).toBe('raw\x1b[5m');
  });
});
