/**
 * One stack per lab or classroom (stack id = config.name): one Network and DataLake, one
 * Student per name, the lab dashboard, the outputs, and the policy Aspect that fails synth
 * on any unwaived finding. What each part takes from the config is mapped in lab-props.ts;
 * this file only wires the parts together.
 */
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformOutput } from 'cdktn';
import { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import type { LabConfig } from '../config/schema';
import { ClassBudget } from './constructs/class-budget';
import { ClassEnd } from './constructs/class-end';
import { DataLake } from './constructs/data-lake';
import { Network } from './constructs/network';
import { LabDashboard } from './constructs/observability';
import { Search } from './constructs/search';
import { Student } from './constructs/student';
import { labProps, type LabStackOptions } from './lab-props';
import {
  BUCKET_OUTPUT,
  CLASS_BUDGET_OUTPUT,
  CLASS_END_SCHEDULE_OUTPUT,
  CLASS_ENDS_AT_OUTPUT,
  hostOutputName,
  readerOutputName,
  REGION_OUTPUT,
  SEARCH_ENDPOINT_OUTPUT,
  SEARCH_INDEXER_OUTPUT,
  streamOutputName,
} from './outputs';
import { PolicyCheckedStack } from './policy/checked-stack';
import { ReaderExternalIds } from './constructs/reader-external-ids';

export class LabStack extends PolicyCheckedStack {
  readonly students: readonly Student[];

  constructor(scope: Construct, config: LabConfig, options: LabStackOptions = {}) {
    const p = labProps(config, options);
    super(scope, p.stackId, p.waivers);
    if (p.backend && 's3' in p.backend) new S3Backend(this, p.backend.s3);
    else if (p.backend) new LocalBackend(this, { path: p.backend.localPath });
    new AwsProvider(this, 'Aws', p.provider);

    const accountId = new DataAwsCallerIdentity(this, 'Account').accountId;
    const network = new Network(this, 'Network', { ...p.network, accountId });
    const lake = new DataLake(this, 'DataLake', p.lake);

    // Per-student external ids (config `consumer`): a sensitive variable, not literals.
    const externalIds = p.students.some((s) => s.props.reader)
      ? new ReaderExternalIds(this, 'ReaderExternalIds')
      : undefined;
    this.students = p.students.map(
      ({ id, props: { reader, ...props } }) =>
        new Student(this, id, {
          ...props,
          ...(reader && externalIds
            ? { reader: { ...reader, externalId: externalIds.externalIdOf(props.student) } }
            : {}),
          network,
          lake,
          accountId,
        }),
    );

    const dashboard = new LabDashboard(this, 'Dashboard', {
      ...p.dashboard,
      pipelines: this.students.map((s) => ({
        student: s.student,
        streamName: s.stream.name,
        deliveryName: s.delivery.name,
      })),
    });

    // ── search.enabled: S3 → Lambda → OpenSearch (constructs/search.ts) ──────────
    if (p.search) {
      const search = new Search(this, 'Search', {
        ...p.search,
        lake,
        prefixes: this.students.map((s) => s.delivery.dataPrefix),
        accountId,
      });
      dashboard.addIndexer(search.indexer);
      this.output(SEARCH_ENDPOINT_OUTPUT, search.endpoint, 'OpenSearch domain endpoint');
      this.output(SEARCH_INDEXER_OUTPUT, search.indexer.functionName, 'Indexer Lambda function');
    }
    // ─────────────────────────────────────────────────────────────────────────────

    // ── config `class`: AWS stops the lab's instances at the end (constructs/class-end.ts)
    if (p.classEnd) {
      const end = new ClassEnd(this, 'ClassEnd', {
        ...p.classEnd,
        instances: this.students.map((s) => ({ id: s.host.instanceId, arn: s.host.instanceArn })),
        accountId,
      });
      this.output(
        CLASS_ENDS_AT_OUTPUT,
        p.classEnd.endsAt.toISOString(),
        'When the class ends (UTC)',
      );
      this.output(
        CLASS_END_SCHEDULE_OUTPUT,
        end.scheduleName,
        'Schedule that stops the hosts then',
      );
    }

    if (p.classBudget) {
      const { stopInstances, ...budgetProps } = p.classBudget;
      const budget = new ClassBudget(this, 'ClassBudget', {
        ...budgetProps,
        ...(stopInstances
          ? {
              stop: {
                instances: this.students.map((s) => ({
                  id: s.host.instanceId,
                  arn: s.host.instanceArn,
                })),
                accountId,
              },
            }
          : {}),
      });
      this.output(CLASS_BUDGET_OUTPUT, budget.budgetName, 'AWS Budgets budget of the class');
    }

    this.output(REGION_OUTPUT, p.region, 'AWS region of the lab');
    this.output(BUCKET_OUTPUT, lake.bucketName, 'S3 data lake bucket (one prefix per student)');
    for (const s of this.students) {
      const perStudent: [name: string, value: string, what: string][] = [
        [hostOutputName(s.student, 'publicDns'), s.host.publicDns, 'public DNS name'],
        [hostOutputName(s.student, 'publicIp'), s.host.publicIp, 'public IPv4'],
        [hostOutputName(s.student, 'instanceId'), s.host.instanceId, 'EC2 instance id'],
        [streamOutputName(s.student, 'streamName'), s.stream.name, 'Kinesis stream'],
        [streamOutputName(s.student, 'streamArn'), s.stream.arn, 'Kinesis stream ARN'],
      ];
      if (s.reader) {
        const what = 'IAM role the Spark notebook assumes to read the stream';
        perStudent.push([readerOutputName(s.student), s.reader.roleArn, what]);
      }
      for (const [name, value, what] of perStudent)
        this.output(name, value, `${s.student}: ${what}`);
    }
  }

  private output(name: string, value: string, description: string): void {
    const out = new TerraformOutput(this, name, { value, description });
    // Output names are a public contract: never let cdktn derive them from the path.
    out.overrideLogicalId(name);
  }
}
