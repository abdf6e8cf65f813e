/**
 * `down`'s leftover check by name against moto: a Kinesis stream, a Firehose delivery
 * stream, a lake bucket, a log group and a class budget created with no tag at all (an apply
 * interrupted before tagging, or made by hand) are invisible to the Tagging API, and are
 * still found; once deleted, nothing is left.
 */
import { BudgetsClient, CreateBudgetCommand, DeleteBudgetCommand } from '@aws-sdk/client-budgets';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateDeliveryStreamCommand,
  DeleteDeliveryStreamCommand,
  FirehoseClient,
} from '@aws-sdk/client-firehose';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateStreamCommand, DeleteStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsClientConfig } from '../../../../labs/aws-sdk/clients';
import { findLeftovers, type ByName, type LeftoverClients } from '../../../../labs/aws/leftovers';
import { startMoto, type RunningMoto } from '../../../../labs/rehearsal/moto';
import { describeWith, missingMoto } from '../../../support/emulated-aws';

jest.setTimeout(120_000);

const describeWithMoto = describeWith(missingMoto);

/** moto's account unless told otherwise (STS GetCallerIdentity answers it too). */
const ACCOUNT = '123456789012';

describeWithMoto('leftovers by name against moto (untagged resources)', () => {
  const work = mkdtempSync(join(tmpdir(), 'streamlab-leftovers-moto-'));
  let moto: RunningMoto | undefined;
  let clients: LeftoverClients;
  const named: ByName = {
    iam: { roles: [], instanceProfiles: [] },
    schedules: [],
    budgets: ['untagged-us-east-1-class'],
    data: {
      streams: ['untagged-ana', 'untagged-bo'],
      deliveryStreams: ['untagged-ana-delivery'],
      bucketPrefixes: ['untagged-lake-'],
      logGroups: ['/aws/kinesisfirehose/untagged-ana'],
    },
  };

  beforeAll(async () => {
    moto = await startMoto({ workDir: work });
    const config = (service: Parameters<typeof awsClientConfig>[0]) =>
      awsClientConfig(service, 'us-east-1', moto!.endpoint);
    clients = {
      ec2: new EC2Client(config('EC2')),
      tagging: new ResourceGroupsTaggingAPIClient(config('Resource Groups Tagging API')),
      iam: new IAMClient(config('IAM')),
      scheduler: new SchedulerClient(config('Scheduler')),
      kinesis: new KinesisClient(config('Kinesis')),
      firehose: new FirehoseClient(config('Firehose')),
      s3: new S3Client({ ...config('S3'), forcePathStyle: true }),
      logs: new CloudWatchLogsClient(config('CloudWatch Logs')),
      budgets: new BudgetsClient(config('Budgets')),
    };
  });

  afterAll(async () => {
    for (const c of Object.values(clients ?? {})) c.destroy();
    await moto?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('finds an untagged stream, delivery stream, bucket, log group and budget by name, and nothing once deleted', async () => {
    expect(await findLeftovers(clients, 'untagged', named, ACCOUNT)).toEqual([]);
    await clients.kinesis.send(
      new CreateStreamCommand({ StreamName: 'untagged-bo', ShardCount: 1 }),
    );
    await clients.s3.send(
      new CreateBucketCommand({ Bucket: 'untagged-lake-20261207044414105700000001' }),
    );
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'someone-else-lake' }));
    // A delivery stream as the lab makes one (into the lake), planted with no tag at all.
    await clients.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'untagged-ana-delivery',
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          RoleARN: 'arn:aws:iam::123456789012:role/untagged-ana-delivery',
          BucketARN: 'arn:aws:s3:::untagged-lake-20261207044414105700000001',
        },
      }),
    );
    await clients.logs.send(
      new CreateLogGroupCommand({ logGroupName: '/aws/kinesisfirehose/untagged-ana' }),
    );

    const budget = (AccountId: string) =>
      new CreateBudgetCommand({
        AccountId,
        Budget: {
          BudgetName: 'untagged-us-east-1-class',
          BudgetType: 'COST',
          TimeUnit: 'MONTHLY',
          BudgetLimit: { Amount: '50', Unit: 'USD' },
        },
      });
    // The same name in another account is not this operator's budget.
    await clients.budgets.send(budget('210987654321'));
    expect(await findLeftovers(clients, 'untagged', named, ACCOUNT)).not.toContain(
      'Budgets budget untagged-us-east-1-class',
    );
    await clients.budgets.send(budget(ACCOUNT));

    expect(await findLeftovers(clients, 'untagged', named, ACCOUNT)).toEqual([
      'Budgets budget untagged-us-east-1-class',
      'Kinesis stream untagged-bo',
      'Firehose delivery stream untagged-ana-delivery',
      'S3 bucket untagged-lake-20261207044414105700000001',
      'CloudWatch log group /aws/kinesisfirehose/untagged-ana',
    ]);

    await clients.budgets.send(
      new DeleteBudgetCommand({ AccountId: ACCOUNT, BudgetName: 'untagged-us-east-1-class' }),
    );
    await clients.kinesis.send(new DeleteStreamCommand({ StreamName: 'untagged-bo' }));
    await clients.firehose.send(
      new DeleteDeliveryStreamCommand({ DeliveryStreamName: 'untagged-ana-delivery' }),
    );
    await clients.s3.send(
      new DeleteBucketCommand({ Bucket: 'untagged-lake-20261207044414105700000001' }),
    );
    await clients.logs.send(
      new DeleteLogGroupCommand({ logGroupName: '/aws/kinesisfirehose/untagged-ana' }),
    );
    expect(await findLeftovers(clients, 'untagged', named, ACCOUNT)).toEqual([]);
  });
});
