/**
 * classSnapshot against a real kinesalite on 127.0.0.1: each student's own stream read over
 * its last minute (AT_TIMESTAMP), so one student's records never count for another; the
 * offline charts are the records read back, by arrival; a host nobody answers for is
 * unreachable with the connection's reason. (The hosts' own checks run against test hosts
 * in test/integration/scripts/check.test.ts.) An empty stream is asked AT_TIMESTAMP too: kinesalite
 * used never to answer that (labs/stream/kinesalite-server.js wraps it).
 */
import {
  CreateStreamCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { classSnapshot } from '../../../../labs/class/class-snapshot';
import { kinesisClient } from '../../../../labs/stream/client';
import { startEmulator, type RunningEmulator } from '../../../../labs/stream/emulator';
import { closedSsh, FAST_PROBE, type ClosedSsh } from '../../../support/closed-ssh';

jest.setTimeout(60_000);

describe('classSnapshot on kinesalite (offline mode)', () => {
  let emulator: RunningEmulator;
  let client: KinesisClient;
  let gone: ClosedSsh;

  beforeAll(async () => {
    emulator = await startEmulator();
    client = kinesisClient({ region: 'us-east-1', endpoint: emulator.endpoint });
    for (const s of ['lab-ana', 'lab-bo'])
      await client.send(new CreateStreamCommand({ StreamName: s, ShardCount: 2 }));
    await new Promise((r) => setTimeout(r, 600)); // kinesalite's CREATING → ACTIVE
    await client.send(
      new PutRecordsCommand({
        StreamName: 'lab-ana',
        Records: Array.from({ length: 30 }, (_, i) => ({
          Data: Buffer.from(`{"id":"p${i}"}`),
          PartitionKey: `k${i}`,
        })),
      }),
    );
    gone = await closedSsh();
  });

  afterAll(async () => {
    client.destroy();
    await emulator.close();
    await gone?.close();
  });

  const host = (name: string) =>
    gone.host(name, { stream: `lab-${name}`, region: 'us-east-1', endpoint: emulator.endpoint });

  it("counts each student's own stream, and says why the rest fails", async () => {
    const snap = await classSnapshot({
      lab: 'lab',
      mode: 'offline',
      hosts: [host('ana'), host('bo')],
      probe: FAST_PROBE,
    });
    expect(snap.mode).toBe('offline');
    const [ana, bo] = snap.students;
    expect(ana!.stream).toBe('lab-ana');
    expect(ana!.producer).toBe('unreachable');
    expect(ana!.recordsPerSecond).toBeCloseTo(30 / 60, 2);
    expect(ana!.newestRecordAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(ana!.newestRecordAgeSeconds).toBeLessThan(30);
    const verdicts = (s: typeof ana) =>
      Object.fromEntries(s!.milestones.map((m) => [m.id, m.pass]));
    expect(verdicts(ana)).toEqual({
      'host-reachable': false,
      'producer-active': false,
      'records-flowing': true,
    });
    expect(ana!.milestones[2]!.reason).toMatch(/^30 record\(s\) in lab-ana in the last 60 s/);
    expect(ana!.milestones[0]!.reason).toMatch(/^SSH with the pinned host key failed: /);
    expect(ana!.milestones[1]!.reason).toBe('not checked: the host is unreachable');
    // bo's stream is empty: ana's 30 records are not his.
    expect(bo!.recordsPerSecond).toBe(0);
    expect(bo!.newestRecordAgeSeconds).toBeNull();
    expect(bo!.milestones[2]).toMatchObject({
      pass: false,
      reason: 'no record in lab-bo in the last 60 s',
    });

    const charts = Object.fromEntries(snap.streams.map((s) => [s.stream, s]));
    const sum = (s: string, k: 'recordsIn' | 'bytesPut') =>
      charts[s]!.points.reduce((a, p) => a + (p[k] ?? 0), 0);
    expect(sum('lab-ana', 'recordsIn')).toBe(30);
    expect(sum('lab-ana', 'bytesPut')).toBe(
      Array.from({ length: 30 }, (_, i) => `{"id":"p${i}"}`.length).reduce((a, b) => a + b),
    );
    expect(sum('lab-bo', 'recordsIn')).toBe(0);
    expect(charts['lab-ana']!.points).toHaveLength(6);
    // Latency and success come from the producer's journal: its host is unreachable here.
    for (const p of charts['lab-ana']!.points) {
      expect(p.putLatencyMs).toBeUndefined();
      expect(p.putSuccess).toBeUndefined();
    }
    expect(charts['lab-ana']!.sources.putLatencyMs).toMatch(/^not measured: /);
  });

  it("a missing stream is a failed milestone with the emulator's reason, not a crash", async () => {
    const snap = await classSnapshot({
      lab: 'lab',
      mode: 'offline',
      hosts: [{ ...host('cy') }],
      probe: FAST_PROBE,
    });
    const [cy] = snap.students;
    expect(cy!.recordsPerSecond).toBeNull();
    expect(cy!.milestones[2]).toMatchObject({ pass: false });
    expect(cy!.milestones[2]!.reason).toMatch(/^cannot read lab-cy: .*lab-cy/);
    expect(snap.streams[0]!.points).toEqual([]);
  });
});
