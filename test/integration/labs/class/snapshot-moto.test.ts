/**
 * classSnapshot on the AWS side against moto on loopback: each student's own stream, an
 * object under their lake prefix (S3), their reader role's trust (IAM), and the course's four
 * metrics from CloudWatch. moto does not emit Kinesis's own metrics, so the test publishes
 * datapoints under AWS/Kinesis as Kinesis would (moto accepts that namespace; AWS does not)
 * and holds the reader to them. The hosts are unreachable here: their checks run against
 * test hosts in the offline suite.
 */
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classSnapshot } from '../../../../labs/class/class-snapshot';
import { cloudWatchClient, iamClient, s3Client } from '../../../../labs/aws-sdk/clients';
import { kinesisClient } from '../../../../labs/stream/client';
import { closedSsh, FAST_PROBE, type ClosedSsh } from '../../../support/closed-ssh';
import { describeWith, missingMoto } from '../../../support/emulated-aws';
import { startMoto, type RunningMoto } from '../../../../labs/rehearsal/moto';

jest.setTimeout(120_000);

const REGION = 'eu-west-1';
const BUCKET = 'lab-lake-test';
const CONSUMER = {
  principal: 'arn:aws:iam::210987654321:role/databricks',
  externalId: 'course-26',
};

describeWith(missingMoto)('classSnapshot against moto (AWS mode)', () => {
  let moto: RunningMoto;
  let work: string;
  let gone: ClosedSsh;
  const saved = { ...process.env };
  let anaRole: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'streamlab-class-moto-'));
    moto = await startMoto({ workDir: work });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: REGION,
    });
    const kinesis = kinesisClient({ region: REGION });
    for (const s of ['lab-ana', 'lab-bo'])
      await kinesis.send(new CreateStreamCommand({ StreamName: s, ShardCount: 1 }));
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: 'lab-ana',
        Records: Array.from({ length: 12 }, (_, i) => ({
          Data: Buffer.from(`{"id":"${i}"}`),
          PartitionKey: `k${i}`,
        })),
      }),
    );
    kinesis.destroy();
    const s3 = s3Client(REGION);
    await s3.send(
      new CreateBucketCommand({
        Bucket: BUCKET,
        CreateBucketConfiguration: { LocationConstraint: REGION },
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'students/ana/year=2026/month=12/day=07/hour=00/lab-ana-1.gz',
        Body: 'x',
      }),
    );
    // bo's delivery wrote nothing; a key of another student's prefix is not his.
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'students/bob/elsewhere.gz', Body: 'x' }),
    );
    s3.destroy();
    const iam = iamClient(REGION);
    const trust = (condition: boolean) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: CONSUMER.principal },
            ...(condition
              ? { Condition: { StringEquals: { 'sts:ExternalId': CONSUMER.externalId } } }
              : {}),
          },
        ],
      });
    anaRole = (
      await iam.send(
        new CreateRoleCommand({
          RoleName: 'lab-ana-reader',
          AssumeRolePolicyDocument: trust(true),
        }),
      )
    ).Role!.Arn!;
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'lab-bo-reader',
        AssumeRolePolicyDocument: trust(false),
      }),
    );
    iam.destroy();
    const cw = cloudWatchClient(REGION);
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    const dims = [{ Name: 'StreamName', Value: 'lab-ana' }];
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Kinesis',
        MetricData: [
          {
            MetricName: 'IncomingRecords',
            Value: 600,
            Timestamp: new Date(minute),
            Dimensions: dims,
          },
          {
            MetricName: 'PutRecords.Bytes',
            Value: 96_000,
            Timestamp: new Date(minute),
            Dimensions: dims,
          },
          {
            MetricName: 'PutRecords.Latency',
            Value: 21,
            Timestamp: new Date(minute),
            Dimensions: dims,
          },
          {
            MetricName: 'PutRecords.Success',
            Value: 1,
            Timestamp: new Date(minute),
            Dimensions: dims,
          },
        ],
      }),
    );
    cw.destroy();
    gone = await closedSsh();
  });

  afterAll(async () => {
    process.env = saved;
    await gone?.close();
    await moto?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const host = (name: string) => gone.host(name, { stream: `lab-${name}`, region: REGION });

  it("gives each student's AWS milestones with their reasons, and the four metrics per stream", async () => {
    const snap = await classSnapshot({
      lab: 'lab',
      mode: 'aws',
      hosts: [host('ana'), host('bo')],
      aws: {
        bucket: BUCKET,
        readerRoles: { ana: anaRole, bo: anaRole.replace('lab-ana-reader', 'lab-bo-reader') },
        consumer: {
          principal: CONSUMER.principal,
          externalIds: { ana: CONSUMER.externalId, bo: CONSUMER.externalId },
        },
      },
      probe: FAST_PROBE,
    });
    const byId = (i: number) =>
      Object.fromEntries(snap.students[i]!.milestones.map((m) => [m.id, m]));
    const ana = byId(0);
    const bo = byId(1);
    expect(Object.keys(ana)).toEqual([
      'host-reachable',
      'producer-active',
      'records-flowing',
      'lake-object',
      'reader-role',
    ]);
    expect(ana['records-flowing']!.pass).toBe(true);
    expect(ana['records-flowing']!.reason).toMatch(/^12 record\(s\) in lab-ana/);
    expect(bo['records-flowing']!.pass).toBe(false);
    expect(ana['lake-object']).toMatchObject({ pass: true });
    expect(ana['lake-object']!.reason).toMatch(/^newest object students\/ana\/year=2026/);
    expect(bo['lake-object']).toMatchObject({
      pass: false,
      reason: `no object under s3://${BUCKET}/students/bo/ yet (Firehose delivers after its buffer interval)`,
    });
    expect(ana['reader-role']).toMatchObject({ pass: true });
    expect(bo['reader-role']).toMatchObject({ pass: false });
    expect(bo['reader-role']!.reason).toMatch(/does not require the student's own sts:ExternalId$/);

    const [anaStream, boStream] = snap.streams;
    expect(anaStream!.stream).toBe('lab-ana');
    expect(anaStream!.sources.recordsIn).toMatch(/IncomingRecords/);
    expect(anaStream!.points).toEqual([
      {
        t: expect.any(Number),
        recordsIn: 600,
        bytesPut: 96_000,
        putLatencyMs: 21,
        putSuccess: 1,
      },
    ]);
    expect(boStream!.points).toEqual([]);
  });

  it('without config consumer there is no reader-role milestone', async () => {
    const snap = await classSnapshot({
      lab: 'lab',
      mode: 'aws',
      hosts: [host('bo')],
      aws: { bucket: BUCKET },
      probe: FAST_PROBE,
    });
    expect(snap.students[0]!.milestones.map((m) => m.id)).not.toContain('reader-role');
  });
});
