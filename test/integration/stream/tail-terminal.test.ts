/**
 * A post takes over no terminal (issue 16): `streamlab tail` runs in a real pseudo-terminal
 * (util-linux `script`) against kinesalite, reading posts that carry an OSC 52 clipboard
 * write, a screen clear, BEL, a C1 CSI and a bidi override. What reaches the pty must hold
 * none of those bytes raw, and must show them; `--json` must keep the post exact.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateStreamCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { quote } from '../../../provisioning/engine/quote';
import { kinesisClient } from '../../../scripts/stream/client';
import { startEmulator, type RunningEmulator } from '../../../scripts/stream/emulator';

jest.setTimeout(60_000);

const CLI = join(__dirname, '../../../scripts/streamlab.js');
const HOSTILE_TEXT =
  'hi \x1b]52;c;cHduZWQ=\x07 \x1b[2J\x1b[H\x07 \u009b31m \u202eevil\u202c \x7f end';
const HOSTILE_AUTHOR = 'mallory\x1b]0;owned\x07';

/** Runs the CLI with a pty as its terminal; returns everything the pty received. */
async function inTerminal(args: string[]): Promise<string> {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    timeout: 45_000,
    env: { ...process.env, TERM: 'xterm' },
  });
  return stdout;
}

describe('streamlab tail in a terminal, posts with control sequences', () => {
  let emulator: RunningEmulator;
  let client: KinesisClient;

  beforeAll(async () => {
    emulator = await startEmulator();
    client = kinesisClient({ region: 'us-east-1', endpoint: emulator.endpoint });
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

  const tailArgs = (...more: string[]) => [
    'tail',
    '--stream',
    'hostile',
    '--region',
    'us-east-1',
    '--endpoint-url',
    emulator.endpoint,
    '--from',
    'trim-horizon',
    '--limit',
    '2',
    ...more,
  ];

  it('no ESC, BEL, C1 or bidi override reaches the terminal; they are shown instead', async () => {
    const screen = await inTerminal(tailArgs());
    expect(screen).toMatch(/@mallory/);
    // eslint-disable-next-line no-control-regex
    expect(screen).not.toMatch(/[\x07\x1b\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(screen).toContain('\\x1b]52;c;cHduZWQ=\\x07');
    expect(screen).toContain('\\x1b[2J');
    expect(screen).toContain('\\u202eevil');
    expect(screen).toContain('raw \\x1b[2J');
  });

  it('--json stays exact: the post parses back byte for byte, yet holds no raw control', async () => {
    const screen = await inTerminal(tailArgs('--json'));
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
