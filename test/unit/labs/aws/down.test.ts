/**
 * `down`'s steps with a stand-in terraform and mocked EC2, Tagging and IAM APIs
 * (aws-sdk-client-mock): leftovers after destroy fail the command naming them; never
 * applied = nothing to do. (The real terraform and provider against moto run in
 * test/integration/labs/aws/cli-moto.test.ts.)
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetInstanceProfileCommand,
  GetRoleCommand,
  IAMClient,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeStreamSummaryCommand,
  KinesisClient,
  ResourceNotFoundException as StreamNotFound,
} from '@aws-sdk/client-kinesis';
import {
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  ResourceNotFoundException as DeliveryStreamNotFound,
} from '@aws-sdk/client-firehose';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BudgetsClient,
  DescribeBudgetCommand,
  NotFoundException as BudgetNotFound,
} from '@aws-sdk/client-budgets';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../../config/load';
import { runDown, type DownDeps } from '../../../../labs/aws/down';
import { memoryReporter } from '../../../../labs/progress';
import type { StackTerraform } from '../../../../labs/aws/stack';
import { inventoryPathFor, labStateDir } from '../../../../labs/local-state/paths';

const config = parseConfig({ name: 'demo', region: 'us-east-1', operatorCidr: '203.0.113.7/32' });

function fakeTerraform(resources: string[]): StackTerraform & { calls: string[] } {
  const calls: string[] = [];
  const summary = {
    create: 0,
    update: 0,
    replace: 0,
    delete: resources.length,
    byType: { aws_instance: { create: 0, update: 0, replace: 0, delete: resources.length } },
    hasChanges: resources.length > 0,
  };
  return {
    calls,
    init: async () => void calls.push('init'),
    plan: async (file, opts) => (calls.push(`plan ${file} ${JSON.stringify(opts)}`), summary),
    apply: async (file) => void calls.push(`apply ${file}`),
    outputs: async () => ({}),
    stateList: async () => (calls.push('state list'), resources),
  };
}

describe('down (mocked EC2 API, stand-in terraform)', () => {
  const ec2Mock = mockClient(EC2Client);
  const taggingMock = mockClient(ResourceGroupsTaggingAPIClient);
  const iamMock = mockClient(IAMClient);
  const schedulerMock = mockClient(SchedulerClient);
  const kinesisMock = mockClient(KinesisClient);
  const firehoseMock = mockClient(FirehoseClient);
  const s3Mock = mockClient(S3Client);
  const logsMock = mockClient(CloudWatchLogsClient);
  const budgetsMock = mockClient(BudgetsClient);
  const noSuchEntity = () => new NoSuchEntityException({ message: 'not found', $metadata: {} });
  let base: string;
  let stateFile: string;
  const deps = (tf: StackTerraform): DownDeps => ({
    findTerraform: async () => ({ path: '/bin/terraform', flavor: 'terraform', version: '1.11.4' }),
    checkCredentials: async () => ({ account: '123456789012', arn: 'arn:aws:iam::1:user/op' }),
    checkQuotas: async () => [],
    synth: () => ({ stackDir: base, localStateFile: stateFile }),
    terraform: () => tf,
    ec2: () => new EC2Client({ region: 'us-east-1' }),
    tagging: () => new ResourceGroupsTaggingAPIClient({ region: 'us-east-1' }),
    iam: () => new IAMClient({ region: 'us-east-1' }),
    scheduler: () => new SchedulerClient({ region: 'us-east-1' }),
    kinesis: () => new KinesisClient({ region: 'us-east-1' }),
    firehose: () => new FirehoseClient({ region: 'us-east-1' }),
    s3: () => new S3Client({ region: 'us-east-1' }),
    logs: () => new CloudWatchLogsClient({ region: 'us-east-1' }),
    budgets: () => new BudgetsClient({ region: 'us-east-1' }),
  });
  const inventory = () => inventoryPathFor(config.name, base);

  beforeEach(() => {
    ec2Mock.reset();
    taggingMock.reset();
    iamMock.reset();
    schedulerMock.reset();
    kinesisMock.reset();
    firehoseMock.reset();
    s3Mock.reset();
    logsMock.reset();
    budgetsMock.reset();
    budgetsMock
      .on(DescribeBudgetCommand)
      .rejects(new BudgetNotFound({ message: 'not found', Message: 'not found', $metadata: {} }));
    kinesisMock
      .on(DescribeStreamSummaryCommand)
      .rejects(new StreamNotFound({ message: 'not found', $metadata: {} }));
    firehoseMock
      .on(DescribeDeliveryStreamCommand)
      .rejects(new DeliveryStreamNotFound({ message: 'not found', $metadata: {} }));
    s3Mock.on(ListBucketsCommand).resolves({ Buckets: [] });
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    schedulerMock.on(GetScheduleCommand).rejects(
      new ResourceNotFoundException({
        message: 'not found',
        Message: 'not found',
        $metadata: {},
      }),
    );
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    taggingMock.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    iamMock.on(GetRoleCommand).rejects(noSuchEntity());
    iamMock.on(GetInstanceProfileCommand).rejects(noSuchEntity());
    base = mkdtempSync(join(tmpdir(), 'streamlab-down-'));
    stateFile = join(base, 'demo.tfstate');
    writeFileSync(stateFile, '{}');
    mkdirSync(labStateDir('demo', base), { recursive: true });
    writeFileSync(inventory(), '{"hosts":[]}');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('instances still tagged with the lab after destroy: exit 1 naming their ids', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-0left1' }, { InstanceId: 'i-0left2' }] }],
    });
    const tf = fakeTerraform(['aws_instance.lab']);
    const r = memoryReporter();
    const result = await runDown(
      { config, reporter: r, confirm: async () => true, baseDir: base },
      deps(tf),
    );
    expect(result).toMatchObject({
      exitCode: 1,
      destroyed: true,
      leftovers: ['i-0left1', 'i-0left2'],
    });
    expect(r.lines.join('\n')).toContain(
      'NOT CLEAN: 2 resource(s) of demo still exist:\n' +
        '  i-0left1\n      remove: aws ec2 terminate-instances --instance-ids i-0left1\n' +
        '  i-0left2\n      remove: aws ec2 terminate-instances --instance-ids i-0left2',
    );
    expect(tf.calls).toEqual([
      'init',
      'state list',
      'plan streamlab-destroy.tfplan {"destroy":true}',
      'apply streamlab-destroy.tfplan',
    ]);
    const filters = ec2Mock.commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters!;
    expect(filters).toEqual(expect.arrayContaining([{ Name: 'tag:lab', Values: ['demo'] }]));
    expect(existsSync(inventory())).toBe(false);
  });

  it('clean: exit 0 and the saved inventory is removed', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const result = await runDown(
      { config, reporter: memoryReporter(), confirm: async () => true, baseDir: base },
      deps(fakeTerraform(['aws_instance.lab'])),
    );
    expect(result).toMatchObject({ exitCode: 0, destroyed: true, leftovers: [] });
    expect(existsSync(inventory())).toBe(false);
  });

  it('declined: nothing destroyed, exit 1, inventory kept', async () => {
    const tf = fakeTerraform(['aws_instance.lab']);
    const result = await runDown(
      { config, reporter: memoryReporter(), confirm: async () => false, baseDir: base },
      deps(tf),
    );
    expect(result.exitCode).toBe(1);
    expect(tf.calls.some((c) => c.startsWith('apply'))).toBe(false);
    expect(existsSync(inventory())).toBe(true);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });

  it('never applied (no local state file): "nothing to destroy", exit 0, no AWS call', async () => {
    rmSync(stateFile);
    const tf = fakeTerraform([]);
    const r = memoryReporter();
    const result = await runDown(
      { config, reporter: r, confirm: async () => true, baseDir: base },
      {
        ...deps(tf),
        checkCredentials: async () => Promise.reject(new Error('must not be called')),
      },
    );
    expect(result).toMatchObject({ exitCode: 0, destroyed: false });
    expect(r.lines.join('\n')).toMatch(/nothing to destroy: demo was never applied/);
    expect(tf.calls).toEqual([]);
  });

  it('empty state (e.g. S3 backend after a destroy): "nothing to destroy"', async () => {
    const tf = fakeTerraform([]);
    const r = memoryReporter();
    const result = await runDown(
      { config, reporter: r, confirm: async () => true, baseDir: base },
      { ...deps(tf), synth: () => ({ stackDir: base }) },
    );
    expect(result.exitCode).toBe(0);
    expect(r.lines.join('\n')).toMatch(/nothing to destroy: the state of demo holds no resources/);
    expect(tf.calls).toEqual(['init', 'state list']);
  });

  it('empty state but AWS still has the lab (state lost): exit 1 naming what is left', async () => {
    taggingMock.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [{ ResourceARN: 'arn:aws:s3:::demo-lake-0123' }],
    });
    const r = memoryReporter();
    const result = await runDown(
      { config, reporter: r, confirm: async () => true, baseDir: base },
      { ...deps(fakeTerraform([])), synth: () => ({ stackDir: base }) },
    );
    expect(result).toMatchObject({ exitCode: 1, destroyed: false });
    expect(r.lines.join('\n')).toContain(
      'NOT CLEAN: 1 resource(s) of demo still exist:\n  arn:aws:s3:::demo-lake-0123\n      remove:',
    );
  });

  it('Tagging API: what is left is named, instances there are left to EC2 (terminated ones linger)', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    taggingMock
      .on(GetResourcesCommand)
      .resolvesOnce({
        ResourceTagMappingList: [
          { ResourceARN: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0terminated' },
          { ResourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/demo-lab' },
        ],
        PaginationToken: 'page-2',
      })
      .resolvesOnce({
        ResourceTagMappingList: [
          { ResourceARN: 'arn:aws:logs:us-east-1:123456789012:log-group:/x' },
        ],
        PaginationToken: '',
      });
    const result = await runDown(
      { config, reporter: memoryReporter(), confirm: async () => true, baseDir: base },
      deps(fakeTerraform(['aws_instance.lab'])),
    );
    expect(result.leftovers).toEqual([
      'arn:aws:kinesis:us-east-1:123456789012:stream/demo-lab',
      'arn:aws:logs:us-east-1:123456789012:log-group:/x',
    ]);
    expect(result.exitCode).toBe(1);
    const asked = taggingMock.commandCalls(GetResourcesCommand).map((c) => c.args[0].input);
    expect(asked[0]!.TagFilters).toEqual([
      { Key: 'lab', Values: ['demo'] },
      { Key: 'managed-by', Values: ['streamlab'] },
    ]);
    expect(asked[1]!.PaginationToken).toBe('page-2');
  });

  it("IAM (not in the Tagging API): the stack's role and profile names are asked for by name", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    writeFileSync(
      join(base, 'cdk.tf.json'),
      JSON.stringify({
        resource: {
          aws_iam_role: { A: { name: 'demo-lab-host' }, B: { name: 'demo-lab-delivery' } },
          aws_iam_instance_profile: { P: { name: 'demo-lab-host' } },
        },
      }),
    );
    iamMock.on(GetRoleCommand, { RoleName: 'demo-lab-delivery' }).resolves({});
    iamMock.on(GetInstanceProfileCommand, { InstanceProfileName: 'demo-lab-host' }).resolves({});
    const r = memoryReporter();
    const result = await runDown(
      { config, reporter: r, confirm: async () => true, baseDir: base },
      deps(fakeTerraform(['aws_instance.lab'])),
    );
    expect(result.leftovers).toEqual([
      'IAM role demo-lab-delivery',
      'IAM instance profile demo-lab-host',
    ]);
    expect(result.exitCode).toBe(1);
    expect(iamMock.commandCalls(GetRoleCommand).map((c) => c.args[0].input.RoleName)).toEqual([
      'demo-lab-host',
      'demo-lab-delivery',
    ]);
  });

  it('the class-end schedule (Scheduler takes no tags) is asked for by name', async () => {
    writeFileSync(
      join(base, 'cdk.tf.json'),
      JSON.stringify({
        resource: { aws_scheduler_schedule: { S: { name: 'demo-class-end' } } },
      }),
    );
    const gone = await runDown(
      { config, reporter: memoryReporter(), confirm: async () => true, baseDir: base },
      deps(fakeTerraform(['aws_scheduler_schedule.S'])),
    );
    expect(gone).toMatchObject({ exitCode: 0, leftovers: [] });
    expect(schedulerMock.commandCalls(GetScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'demo-class-end',
    });

    schedulerMock.on(GetScheduleCommand, { Name: 'demo-class-end' }).resolves({});
    const left = await runDown(
      { config, reporter: memoryReporter(), confirm: async () => true, baseDir: base },
      deps(fakeTerraform(['aws_scheduler_schedule.S'])),
    );
    expect(left).toMatchObject({ exitCode: 1, leftovers: ['Scheduler schedule demo-class-end'] });
  });

  it("the class budget (in the Tagging API only once tagged) is asked for by name, in the operator's account", async () => {
    writeFileSync(
      join(base, 'cdk.tf.json'),
      JSON.stringify({ resource: { aws_budgets_budget: { B: { name: 'demo-us-east-1-class' } } } }),
    );
    const run = () =>
      runDown(
        { config, reporter: memoryReporter(), confirm: async () => true, baseDir: base },
        deps(fakeTerraform(['aws_budgets_budget.B'])),
      );
    expect(await run()).toMatchObject({ exitCode: 0, leftovers: [] });
    expect(budgetsMock.commandCalls(DescribeBudgetCommand)[0]!.args[0].input).toEqual({
      AccountId: '123456789012',
      BudgetName: 'demo-us-east-1-class',
    });

    budgetsMock.on(DescribeBudgetCommand, { BudgetName: 'demo-us-east-1-class' }).resolves({});
    const r = memoryReporter();
    const left = await runDown(
      { config, reporter: r, confirm: async () => true, baseDir: base },
      deps(fakeTerraform(['aws_budgets_budget.B'])),
    );
    expect(left).toMatchObject({ exitCode: 1, leftovers: ['Budgets budget demo-us-east-1-class'] });
    expect(r.lines.join('\n')).toContain(
      'remove: aws budgets delete-budget --account-id "$(aws sts get-caller-identity --query Account --output text)" --budget-name demo-us-east-1-class',
    );
  });

  describe('by name, tagged or not (stubbed AWS client per service)', () => {
    const stack = {
      resource: {
        aws_kinesis_stream: { A: { name: 'demo-ana' }, B: { name: 'demo-bo' } },
        aws_kinesis_firehose_delivery_stream: { D: { name: 'demo-ana-delivery' } },
        aws_s3_bucket: { L: { bucket_prefix: 'demo-lake-' } },
        aws_cloudwatch_log_group: { G: { name: '/aws/kinesisfirehose/demo-ana' } },
      },
    };
    const down = async () => {
      writeFileSync(join(base, 'cdk.tf.json'), JSON.stringify(stack));
      const r = memoryReporter();
      const result = await runDown(
        { config, reporter: r, confirm: async () => true, baseDir: base },
        deps(fakeTerraform(['aws_kinesis_stream.A'])),
      );
      return { result, text: r.lines.join('\n') };
    };

    it('all gone: exit 0, and the verdict says what was checked by name', async () => {
      const { result, text } = await down();
      expect(result).toMatchObject({ exitCode: 0, leftovers: [] });
      expect(text).toContain('demo is down: nothing tagged lab=demo remains, nor any of its 5');
      const asked = kinesisMock.commandCalls(DescribeStreamSummaryCommand);
      expect(asked.map((c) => c.args[0].input.StreamName)).toEqual(['demo-ana', 'demo-bo']);
      const delivery = firehoseMock.commandCalls(DescribeDeliveryStreamCommand);
      expect(delivery.map((c) => c.args[0].input.DeliveryStreamName)).toEqual([
        'demo-ana-delivery',
      ]);
    });

    it('an untagged Firehose delivery stream: exit 1 naming it and its removal', async () => {
      firehoseMock
        .on(DescribeDeliveryStreamCommand, { DeliveryStreamName: 'demo-ana-delivery' })
        .resolves({});
      const { result, text } = await down();
      expect(result).toMatchObject({
        exitCode: 1,
        leftovers: ['Firehose delivery stream demo-ana-delivery'],
      });
      expect(text).toContain(
        'remove: aws firehose delete-delivery-stream --delivery-stream-name demo-ana-delivery',
      );
    });

    it('an untagged Kinesis stream (the Tagging API returns nothing): exit 1 naming it and its removal', async () => {
      kinesisMock.on(DescribeStreamSummaryCommand, { StreamName: 'demo-bo' }).resolves({});
      const { result, text } = await down();
      expect(result).toMatchObject({ exitCode: 1, leftovers: ['Kinesis stream demo-bo'] });
      expect(text).toContain('remove: aws kinesis delete-stream --stream-name demo-bo');
      expect(text).not.toMatch(/is down/);
    });

    it("the lake bucket by the stack's prefix and terraform's unique suffix; other labs' buckets ignored, even one starting with the prefix", async () => {
      s3Mock.on(ListBucketsCommand).resolves({
        Buckets: [
          { Name: 'other-lake-20261207044414105700000001' },
          // Another lab's lake whose name starts with this lab's prefix (lab "demo-lake-x").
          { Name: 'demo-lake-x-lake-20261207044414105700000002' },
          { Name: 'demo-lake-20261207044414105700000001' },
        ],
      });
      const { result, text } = await down();
      expect(result).toMatchObject({
        exitCode: 1,
        leftovers: ['S3 bucket demo-lake-20261207044414105700000001'],
      });
      expect(text).toContain('remove: aws s3 rb s3://demo-lake-20261207044414105700000001 --force');
    });

    it('a log group by its exact name (a longer name with it as prefix is not it)', async () => {
      logsMock.on(DescribeLogGroupsCommand).resolves({
        logGroups: [{ logGroupName: '/aws/kinesisfirehose/demo-ana' }],
      });
      const { result } = await down();
      expect(result.leftovers).toEqual(['CloudWatch log group /aws/kinesisfirehose/demo-ana']);
      logsMock.on(DescribeLogGroupsCommand).resolves({
        logGroups: [{ logGroupName: '/aws/kinesisfirehose/demo-ana-2' }],
      });
      expect((await down()).result).toMatchObject({ exitCode: 0, leftovers: [] });
    });

    it('any error but "not found" is "could not check", never clean', async () => {
      kinesisMock
        .on(DescribeStreamSummaryCommand, { StreamName: 'demo-ana' })
        .rejects(
          Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }),
        );
      s3Mock.on(ListBucketsCommand).rejects(new Error('connect ECONNREFUSED'));
      const { result, text } = await down();
      expect(result.exitCode).toBe(1);
      expect(result.leftovers).toEqual([
        'could not check Kinesis stream demo-ana: User is not authorized',
        'could not check S3 buckets named demo-lake-*: connect ECONNREFUSED',
      ]);
      expect(text).not.toMatch(/is down/);
    });

    it('a stream both tagged and found by name is listed once, by name', async () => {
      kinesisMock.on(DescribeStreamSummaryCommand, { StreamName: 'demo-ana' }).resolves({});
      taggingMock.on(GetResourcesCommand).resolves({
        ResourceTagMappingList: [
          { ResourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/demo-ana' },
        ],
      });
      const { result } = await down();
      expect(result.leftovers).toEqual(['Kinesis stream demo-ana']);
    });
  });
});
