import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../../config/load';
import { LabStack } from '../../../stacks/lab-stack';
import { Testing } from 'cdktn';
import { readerOutputName, readerRoleArns } from '../../../stacks/outputs';
import {
  countOf,
  keysFor,
  labConfig,
  resourcesOf,
  SEARCH_TYPES,
  synthLab,
  TEST_PUBLIC_KEY,
} from '../../support/lab-stack';

const ROOT = join(__dirname, '..', '..', '..');

describe('LabStack', () => {
  it('matches the snapshot of the default stack (streamlab.example.yaml)', () => {
    const file = join(ROOT, 'streamlab.example.yaml');
    const config = parseConfigText(readFileSync(file, 'utf8'), file);
    const { json } = synthLab(config);
    expect(json).toMatchSnapshot();
  });

  it('synthesizes a classroom of 30 into one stack: 30 hosts and streams, one VPC and bucket', () => {
    const students = Array.from({ length: 30 }, (_, i) => `student-${i + 1}`);
    const { json } = synthLab(labConfig({ name: 'class-a', students }));
    expect(countOf(json, 'aws_instance')).toBe(30);
    expect(countOf(json, 'aws_kinesis_stream')).toBe(30);
    expect(countOf(json, 'aws_kinesis_firehose_delivery_stream')).toBe(30);
    expect(countOf(json, 'aws_key_pair')).toBe(30);
    expect(countOf(json, 'aws_cloudwatch_metric_alarm')).toBe(90);
    expect(countOf(json, 'aws_vpc')).toBe(1);
    expect(countOf(json, 'aws_s3_bucket')).toBe(1);
    expect(countOf(json, 'aws_cloudwatch_dashboard')).toBe(1);
    // Hosts alternate over the two AZ subnets.
    const subnets = new Set(resourcesOf(json, 'aws_instance').map((i) => i.subnet_id));
    expect(subnets.size).toBe(2);
    const names = resourcesOf(json, 'aws_kinesis_stream').map((s) => s.name);
    expect(new Set(names).size).toBe(30);
    expect(names).toContain('class-a-student-7');
  });

  it("lets no role publish CloudWatch metrics: a host could forge a classmate's row", () => {
    const { json } = synthLab(labConfig({ students: ['ana', 'bruno'] }));
    expect(JSON.stringify(json)).not.toMatch(/cloudwatch:(PutMetricData|\*)/);
  });

  it('synthesizes 100 students (the config maximum)', () => {
    const students = Array.from({ length: 100 }, (_, i) => `s${i}`);
    const { json } = synthLab(labConfig({ students }));
    expect(countOf(json, 'aws_instance')).toBe(100);
    expect(countOf(json, 'aws_vpc')).toBe(1);
  });

  it('names outputs stably per host, mapping "-" in student names to "_"', () => {
    const { json } = synthLab(labConfig({ students: ['ana-maria', 'bruno'] }));
    expect(Object.keys(json.output).sort()).toEqual(
      [
        'bucket',
        'region',
        ...['ana_maria', 'bruno'].flatMap((s) => [
          `host_${s}_instance_id`,
          `host_${s}_public_dns`,
          `host_${s}_public_ip`,
          `stream_${s}_arn`,
          `stream_${s}_name`,
        ]),
      ].sort(),
    );
    expect(json.output.stream_ana_maria_name!.value).toBe('bigdata-lab-ana-maria');
    expect(json.output.region!.value).toBe('us-east-1');
    expect(String(json.output.host_bruno_public_dns!.value)).toMatch(
      /^\$\{aws_instance\.Student-bruno_Host_Instance_\w+\.public_dns\}$/,
    );
  });

  it('tags everything through the provider: lab, managed-by, user tags (which cannot replace ours)', () => {
    const { json } = synthLab(labConfig({ tags: { course: 'bigdata', lab: 'spoofed' } }));
    expect(json.provider.aws[0]).toMatchObject({
      region: 'us-east-1',
      default_tags: [
        { tags: { lab: 'bigdata-lab', 'managed-by': 'streamlab', course: 'bigdata' } },
      ],
    });
    const [instance] = resourcesOf(json, 'aws_instance');
    expect(instance!.tags).toMatchObject({ student: 'lab' });
  });

  it('keeps Terraform state outside the generated stack directory', () => {
    const { json } = synthLab(labConfig());
    expect(json.terraform.backend).toEqual({ local: { path: 'test.tfstate' } });
  });

  it('uses on-demand mode without a shard count when configured', () => {
    const { json } = synthLab(labConfig({ stream: { mode: 'on-demand', retentionHours: 48 } }));
    const [stream] = resourcesOf(json, 'aws_kinesis_stream');
    expect(stream).toMatchObject({
      stream_mode_details: { stream_mode: 'ON_DEMAND' },
      retention_period: 48,
      encryption_type: 'KMS',
    });
    expect(stream).not.toHaveProperty('shard_count');
  });

  it('reads each host key from <keysDir>/<lab>/<host>.pub and names the missing file', () => {
    const config = labConfig({ keysDir: '/nonexistent/keys', students: ['ana'] });
    const app = Testing.app({ stackTraces: false });
    expect(() => new LabStack(app, config)).toThrow(
      /SSH public key \/nonexistent\/keys\/bigdata-lab\/ana\.pub does not exist; `streamlab init` creates/,
    );
  });

  it('refuses private key material', () => {
    const app = Testing.app({ stackTraces: false });
    expect(
      () =>
        new LabStack(app, labConfig(), {
          publicKeys: {
            lab: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----',
          },
        }),
    ).toThrow(/holds a PRIVATE key/);
  });

  it('never puts a private key or tls_private_key in the stack', () => {
    const { json } = synthLab(labConfig());
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/PRIVATE KEY|tls_private_key/);
    expect(resourcesOf(json, 'aws_key_pair')[0]).toMatchObject({
      key_name: 'bigdata-lab-lab',
      public_key: TEST_PUBLIC_KEY,
    });
  });

  it('passes the policy gate with only the documented built-in exemption', () => {
    const { stack } = synthLab(labConfig({ students: ['ana', 'bruno'] }));
    const report = stack.policyReport!;
    expect(report.violations).toEqual([]);
    expect(report.waived).toEqual([]);
    expect(report.exemptions.map((e) => `${e.rule} ${e.path}`)).toEqual([
      'CKV_AWS_240 bigdata-lab/Student-ana/Delivery/Stream',
      'CKV_AWS_240 bigdata-lab/Student-bruno/Delivery/Stream',
    ]);
  });

  it('gives keysFor one key per student', () => {
    expect(Object.keys(keysFor(labConfig({ students: ['a', 'b'] })))).toEqual(['a', 'b']);
  });
});

describe('LabStack with search.enabled', () => {
  const enabled = labConfig({ students: ['ana', 'bruno'], search: { enabled: true } });
  const { json, stack } = synthLab(enabled);
  const INDEXER = 'bigdata-lab-indexer';

  it("shares the stack's account lookup (one aws_caller_identity data source)", () => {
    expect(Object.keys(json.data.aws_caller_identity ?? {})).toHaveLength(1);
  });

  it('publishes the domain endpoint and the indexer as outputs', () => {
    const [domainId] = Object.keys(json.resource.aws_opensearch_domain!);
    expect(json.output.search_endpoint!.value).toBe(
      `\${aws_opensearch_domain.${domainId}.endpoint}`,
    );
    expect(json.output.search_indexer!.value).toBe(INDEXER);
  });

  it("adds the indexer's invocations, errors and throttles to the dashboard", () => {
    const [dashboard] = resourcesOf(json, 'aws_cloudwatch_dashboard');
    const body = JSON.parse(String(dashboard!.dashboard_body)) as {
      widgets: { properties: { title: string; metrics: unknown[][] } }[];
    };
    const row = body.widgets.find((w) => w.properties.title.includes('indexer'))!;
    expect(row.properties.metrics).toEqual(
      ['Invocations', 'Errors', 'Throttles'].map((m) => ['AWS/Lambda', m, 'FunctionName', INDEXER]),
    );
  });

  it('passes the whole policy gate with only the documented built-in exemptions', () => {
    const report = stack.policyReport!;
    expect(report.violations).toEqual([]);
    expect(report.waived).toEqual([]);
    expect(report.exemptions.map((e) => e.rule)).toEqual([
      'CKV_AWS_240',
      'CKV_AWS_240',
      'CKV_AWS_115',
    ]);
  });
});

describe('LabStack with search disabled', () => {
  it('adds none of the search resources, data sources or outputs', () => {
    const { json: off, stack } = synthLab(labConfig({ students: ['ana', 'bruno'] }));
    for (const type of SEARCH_TYPES) expect([type, countOf(off, type)]).toEqual([type, 0]);
    expect(Object.keys(off.data)).not.toContain('aws_partition');
    expect(Object.keys(off.output).filter((o) => o.startsWith('search_'))).toEqual([]);
    const body = String(resourcesOf(off, 'aws_cloudwatch_dashboard')[0]!.dashboard_body);
    expect(body).not.toContain('AWS/Lambda');
    expect(stack.policyReport!.violations).toEqual([]);
  });
});

describe('LabStack with consumer (reader roles)', () => {
  const consumer = { readerPrincipal: 'arn:aws:iam::210987654321:role/databricks-cluster' };
  const readerRoles = (j: ReturnType<typeof synthLab>['json']) =>
    resourcesOf(j, 'aws_iam_role').filter((r) => /-reader-[a-z0-9-]+$/.test(String(r.name)));

  it("trusts each student's own external id, from a sensitive variable, never one shared id", () => {
    const { json } = synthLab(labConfig({ students: ['ana', 'bo-r'], consumer }));
    const trust = Object.fromEntries(
      readerRoles(json).map((r) => [
        String(r.name).split('-reader-')[0],
        JSON.parse(String(r.assume_role_policy)) as {
          Statement: { Principal: unknown; Condition: unknown }[];
        },
      ]),
    );
    expect(Object.keys(trust).sort()).toEqual(['bigdata-lab-ana', 'bigdata-lab-bo-r']);
    for (const [student, key] of [
      ['ana', 'ana'],
      ['bo-r', 'bo_r'],
    ]) {
      expect(trust[`bigdata-lab-${student}`]!.Statement).toEqual([
        expect.objectContaining({
          Principal: { AWS: consumer.readerPrincipal },
          Condition: {
            StringEquals: { 'sts:ExternalId': `\${var.reader_external_ids.${key}}` },
          },
        }),
      ]);
    }
    const variables = (json as unknown as { variable: Record<string, unknown> }).variable;
    expect(variables).toEqual({
      reader_external_ids: expect.objectContaining({
        type: 'map(string)',
        sensitive: true,
        nullable: false,
      }),
    });
  });

  it('publishes each ARN as the stable output reader_<student>_role_arn', () => {
    const { json } = synthLab(labConfig({ students: ['ana', 'bo-r'], consumer }));
    expect(readerOutputName('bo-r')).toBe('reader_bo_r_role_arn');
    expect(json.output.reader_ana_role_arn!.value).toMatch(
      /^\$\{aws_iam_role\.Student-ana_Reader_Role_\w+\.arn\}$/,
    );
    expect(json.output.reader_bo_r_role_arn).toBeDefined();
    expect(
      readerRoleArns(
        {
          reader_ana_role_arn: { value: 'arn:aws:iam::1:role/a' },
          reader_bo_r_role_arn: { value: '' },
        },
        ['ana', 'bo-r', 'cy'],
      ),
    ).toEqual({ ana: 'arn:aws:iam::1:role/a' });
  });

  it('creates nothing without the consumer config', () => {
    const plain = synthLab(labConfig({ students: ['ana'] })).json;
    expect(readerRoles(plain)).toEqual([]);
    expect(Object.keys(plain.output).filter((o) => o.startsWith('reader_'))).toEqual([]);
  });
});
