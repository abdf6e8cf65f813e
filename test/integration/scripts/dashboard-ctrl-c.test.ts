/**
 * Ctrl-C of the dashboard, the last step of `npm start` (`dashboard --offline`): the real
 * CLI against a real kinesalite, a real SIGINT. The page stops and the CLI says, before it exits 0, that the
 * lab is still running and which command stops it (under `npm start` npm may end with
 * the page while the lab's hosts run on). The offline inventory, as `lab up` writes it,
 * names one host that is not there (nothing listens at its address): the dashboard shows
 * it as stuck, which is enough here.
 */
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kinesisClient } from '../../../labs/stream/client';
import { startEmulator, type RunningEmulator } from '../../../labs/stream/emulator';
import { start } from '../../../process/run';
import { CLI } from '../../support/offline-cli';

jest.setTimeout(120_000);

describe('dashboard: Ctrl-C stops the page, not the lab, and says so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-dash-stop-'));
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator();
    const kinesis = kinesisClient({ region: 'us-east-1', endpoint: emulator.endpoint });
    await kinesis.send(new CreateStreamCommand({ StreamName: 'stop-s1', ShardCount: 1 }));
    kinesis.destroy();
    writeFileSync(
      join(dir, 'streamlab.yaml'),
      'name: stop\nregion: us-east-1\noperatorCidr: 198.51.100.0/24\n',
    );
    mkdirSync(join(dir, '.streamlab', 'stop'), { recursive: true });
    writeFileSync(
      join(dir, '.streamlab', 'stop', 'offline-inventory.json'),
      JSON.stringify({
        hosts: [
          {
            name: 's1',
            // TEST-NET-1: nothing answers there.
            address: '192.0.2.1',
            privateKeyPath: join(dir, 'id'),
            hostKeyFingerprint: 'SHA256:qtCvZkBbVk9w3d5bnKytRu2+ECZLTtctODlETkqiufc',
            stream: 'stop-s1',
            region: 'us-east-1',
            endpoint: emulator.endpoint,
          },
        ],
      }),
    );
  });

  afterAll(async () => {
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after the SIGINT: the lab is still running, and the command that stops it', async () => {
    let interrupted = false;
    const child = start([process.execPath, CLI, 'dashboard', '--offline', '--no-open'], {
      cwd: dir,
      onLine: (line) => {
        if (!interrupted && line.startsWith('dashboard of stop: http://127.0.0.1:')) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    const r = await child.exited;
    expect({ code: r.code, interrupted, out: `${r.stdout}\n${r.stderr}` }).toMatchObject({
      code: 0,
      interrupted: true,
    });
    expect(r.stderr).toContain(
      'dashboard stopped; the offline lab stop is still running: `npm exec --no -- streamlab lab status` shows it, `npm exec --no -- streamlab lab down` stops it',
    );
  });
});
