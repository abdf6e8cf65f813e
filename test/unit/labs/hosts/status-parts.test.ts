/**
 * Pieces of status and ssh: the producer state word, the CloudWatch rate (mocked
 * CloudWatch API), and the known_hosts filter that keeps only the pinned key.
 */
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { fingerprintOf } from '../../../../provisioning/engine/host-key';
import { producerStateOf } from '../../../../labs/hosts/host-status';
import { runSync } from '../../../../process/run';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linesMatchingPin, pinnedKnownHosts } from '../../../../labs/hosts/known-hosts';
import { cloudWatchRate } from '../../../../labs/stream/rate';

describe('producer state', () => {
  it.each([
    ['active\n', 'active'],
    ['inactive\n', 'inactive'],
    ['failed\n', 'failed'],
    ['activating\n', 'unknown'],
    ['', 'unknown'],
  ])('%j → %s', (word, state) => expect(producerStateOf(word)).toBe(state));
});

describe('records/s from CloudWatch IncomingRecords (mocked CloudWatch API)', () => {
  const cwMock = mockClient(CloudWatchClient);
  const cw = new CloudWatchClient({ region: 'us-east-1' });
  beforeEach(() => cwMock.reset());

  it('takes the newest minute and divides by 60', async () => {
    cwMock.on(GetMetricStatisticsCommand).resolves({
      Datapoints: [
        { Timestamp: new Date('2026-01-01T10:01:00Z'), Sum: 600 },
        { Timestamp: new Date('2026-01-01T10:03:00Z'), Sum: 300 },
        { Timestamp: new Date('2026-01-01T10:02:00Z'), Sum: 60 },
      ],
    });
    const r = await cloudWatchRate(cw, 'demo-lab', new Date('2026-01-01T10:05:00Z'));
    expect(r).toEqual({ stream: 'demo-lab', source: 'cloudwatch', recordsPerSecond: 5 });
    const input = cwMock.commandCalls(GetMetricStatisticsCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      Namespace: 'AWS/Kinesis',
      MetricName: 'IncomingRecords',
      Dimensions: [{ Name: 'StreamName', Value: 'demo-lab' }],
      Statistics: ['Sum'],
      Period: 60,
    });
  });

  it('no datapoint yet: no rate, no error; an API error is reported, not thrown', async () => {
    cwMock.on(GetMetricStatisticsCommand).resolvesOnce({ Datapoints: [] });
    expect(await cloudWatchRate(cw, 's')).toEqual({ stream: 's', source: 'cloudwatch' });
    cwMock.on(GetMetricStatisticsCommand).rejects(new Error('AccessDenied'));
    expect((await cloudWatchRate(cw, 's')).error).toBe('AccessDenied');
  });
});

describe('known_hosts for the system ssh', () => {
  const blobA = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIA-key-a');
  const blobB = Buffer.from('AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI-key-b');
  const scan = [
    '# 10.0.0.5:22 SSH-2.0-OpenSSH_9.2p1',
    `10.0.0.5 ssh-ed25519 ${blobA.toString('base64')}`,
    `10.0.0.5 ecdsa-sha2-nistp256 ${blobB.toString('base64')}`,
  ].join('\n');

  it('keeps only the key with the pinned fingerprint', () => {
    expect(linesMatchingPin(scan, fingerprintOf(blobB))).toEqual([
      `10.0.0.5 ecdsa-sha2-nistp256 ${blobB.toString('base64')}`,
    ]);
  });

  it('keeps nothing when no presented key matches (the caller refuses)', () => {
    expect(linesMatchingPin(scan, fingerprintOf(Buffer.from('other')))).toEqual([]);
  });

  it('writes the pinned public key as it is, with no ssh-keyscan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'known-hosts-test-'));
    try {
      runSync(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
      const key = readFileSync(join(dir, 'k.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
      // Port 1 on loopback: a keyscan there would read nothing and pinnedKnownHosts would throw.
      const known = await pinnedKnownHosts({
        name: 'ana',
        address: '127.0.0.1',
        port: 1,
        user: 'ubuntu',
        privateKeyPath: join(dir, 'k'),
        hostKeyFingerprint: fingerprintOf(Buffer.from(key.split(' ')[1]!, 'base64')),
        hostPublicKey: key,
      });
      try {
        // The real ssh-keygen finds the host under the name ssh looks up.
        const found = runSync(['ssh-keygen', '-F', '[127.0.0.1]:1', '-f', known.file]).stdout;
        expect(found).toContain(`[127.0.0.1]:1 ${key}`);
      } finally {
        known.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
