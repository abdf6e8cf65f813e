/**
 * Stack-side fixes of issue 12's apply-time findings: what the synthesized JSON must hold
 * so that AWS accepts it on the first apply.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_NAME_LENGTH, MAX_STUDENT_LENGTH } from '../../../config/schema';
import { STACK_TAG_KEYS } from '../../../config/tags';
import { inlinePolicies, labConfig, synthLab, type StackJson } from '../../support/lab-stack';

/** Every `tags` map anywhere in the resources (root_block_device.tags included). */
function tagMaps(json: StackJson): Array<{ where: string; keys: string[] }> {
  const found: Array<{ where: string; keys: string[] }> = [];
  const walk = (value: unknown, where: string) => {
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'tags' && v && typeof v === 'object' && !Array.isArray(v)) {
        found.push({ where, keys: Object.keys(v) });
      } else walk(v, `${where}.${k}`);
    }
  };
  for (const [type, byId] of Object.entries(json.resource)) walk(byId, type);
  return found;
}

describe('tags the stack adds (config/tags.ts counts them against the limit of 50)', () => {
  it('sets no tag key beyond STACK_TAG_KEYS on any resource, search included', () => {
    const { json } = synthLab(labConfig({ students: ['ana', 'bo'], search: { enabled: true } }));
    const defaults = (json.provider.aws[0]!.default_tags as Array<{ tags: object }>)[0]!.tags;
    const keys = new Set([...Object.keys(defaults), ...tagMaps(json).flatMap((m) => m.keys)]);
    expect(tagMaps(json).length).toBeGreaterThan(10);
    expect([...keys].sort()).toEqual([...STACK_TAG_KEYS].sort());
  });
});

/** `${aws_s3_bucket.x.arn}/students/ana/*` → `students/ana/*` (the key pattern). */
const keyPattern = (objectArn: string) => objectArn.replace(/^\$\{aws_s3_bucket\.[^}]+\}\//, '');
/** Does an IAM/S3 key pattern (trailing `*`) or a filter prefix cover this key prefix? */
const covers = (pattern: string, prefix: string) => prefix.startsWith(pattern.replace(/\*$/, ''));
/** The static head of a Firehose prefix, up to its first `!{…}` expression. */
const staticHead = (prefix: string) => prefix.split('!{')[0]!;

describe('data and error roots no student name can collide with', () => {
  // "errors" used to be the student whose data prefix was every student's error root.
  const students = ['errors', 'ana', 'students'];
  const { json } = synthLab(labConfig({ students, search: { enabled: true } }));
  const firehoses = Object.values(json.resource.aws_kinesis_firehose_delivery_stream!).map(
    (f) => f.extended_s3_configuration as { prefix: string; error_output_prefix: string },
  );
  const dataHeads = firehoses.map((f) => staticHead(f.prefix));
  const errorHeads = firehoses.map((f) => staticHead(f.error_output_prefix));

  it('keeps every data prefix apart from every error prefix and from each other', () => {
    const all = [...dataHeads, ...errorHeads];
    for (const a of all) for (const b of all) if (a !== b) expect(covers(a, b)).toBe(false);
  });

  it('fires the indexer on data only, never on any error output', () => {
    const filters = (
      Object.values(json.resource.aws_s3_bucket_notification!)[0]!.lambda_function as Array<{
        filter_prefix: string;
      }>
    ).map((l) => l.filter_prefix);
    // One filter per student, each covering exactly that student's data.
    expect(filters).toHaveLength(students.length);
    for (const d of dataHeads) expect(filters.filter((f) => covers(f, d))).toHaveLength(1);
    for (const f of filters) for (const e of errorHeads) expect(covers(f, e)).toBe(false);
  });

  it("lets each student's Firehose write its own two prefixes only", () => {
    const p = inlinePolicies(json);
    students.forEach((s) => {
      const write = p[`Student-${s}_Delivery_Role_WriteLake`]!.find(
        (st) => st.Sid === 'WriteOwnPrefixes',
      )!;
      const patterns = write.Resource.map(keyPattern);
      const own = firehoses.find((f) => f.prefix.includes(`/${s}/`))!;
      const others = firehoses.filter((f) => f !== own);
      for (const pattern of patterns) {
        for (const o of others) {
          expect(covers(pattern, staticHead(o.prefix))).toBe(false);
          expect(covers(pattern, staticHead(o.error_output_prefix))).toBe(false);
        }
      }
    });
  });

  it("lets each student's Firehose list only its own prefixes (s3:prefix condition)", () => {
    const lake = inlinePolicies(json)['Student-ana_Delivery_Role_WriteLake']!;
    const list = lake.filter((st) => st.Action.includes('s3:ListBucket'));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      Action: ['s3:ListBucket'],
      Condition: { StringLike: { 's3:prefix': ['students/ana/*', 'errors/ana/*'] } },
    });
  });
});

describe('IAM names, global to the account, unique per region', () => {
  const iamNames = (json: StackJson) =>
    ['aws_iam_role', 'aws_iam_instance_profile'].flatMap((type) =>
      Object.values(json.resource[type] ?? {}).map((r) => `${type} ${String(r.name)}`),
    );
  const longest = labConfig({
    name: 'x'.repeat(MAX_NAME_LENGTH),
    students: ['y'.repeat(MAX_STUDENT_LENGTH), 'ana'],
    search: { enabled: true },
  });

  it('gives the same lab in two regions of one account no IAM name in common', () => {
    const east = iamNames(synthLab({ ...longest, region: 'us-east-1' }).json);
    const south = iamNames(synthLab({ ...longest, region: 'ap-southeast-2' }).json);
    // 2 students × (host role, profile, Firehose role) + flow-log role + indexer role.
    expect(east).toHaveLength(8);
    expect(east.filter((n) => south.includes(n))).toEqual([]);
  });

  it('keeps every name within 64 characters, distinct, and the same at every synth', () => {
    for (const region of ['us-east-1', 'ap-southeast-2', 'us-gov-west-1']) {
      const names = iamNames(synthLab({ ...longest, region }).json);
      for (const n of names) expect(n.split(' ')[1]!.length).toBeLessThanOrEqual(64);
      expect(new Set(names).size).toBe(names.length);
      expect(iamNames(synthLab({ ...longest, region }).json)).toEqual(names);
    }
  });

  it('names the dashboard per region too (CloudWatch dashboards are global to the account)', () => {
    const dashboard = (region: string) =>
      Object.values(synthLab({ ...longest, region }).json.resource.aws_cloudwatch_dashboard!)[0]!
        .dashboard_name;
    expect(dashboard('us-east-1')).toBe(`${longest.name}-us-east-1`);
    expect(dashboard('eu-west-1')).not.toBe(dashboard('us-east-1'));
  });

  it('keeps short names readable: the base name, then the region', () => {
    const names = iamNames(synthLab(labConfig({ name: 'lab1', students: ['ana'] })).json);
    expect(names).toContain('aws_iam_role lab1-ana-host-us-east-1');
    expect(names).toContain('aws_iam_instance_profile lab1-ana-host-us-east-1');
    expect(names).toContain('aws_iam_role lab1-flow-logs-us-east-1');
  });
});

describe('subnets in real availability zones that offer the instance type', () => {
  const { json } = synthLab(labConfig({ instanceType: 't4g.small' }));
  const only = (type: string) => {
    const [[id, attrs]] = Object.entries(json.data[type] ?? {}) as [
      [string, Record<string, unknown>],
    ];
    return { id, attrs };
  };

  it('asks for available zones of zone type availability-zone (no Local or Wavelength Zones)', () => {
    expect(only('aws_availability_zones').attrs).toMatchObject({
      state: 'available',
      filter: [{ name: 'zone-type', values: ['availability-zone'] }],
    });
  });

  it('asks which of those zones offer the instance type', () => {
    expect(only('aws_ec2_instance_type_offerings').attrs).toMatchObject({
      location_type: 'availability-zone',
      filter: [{ name: 'instance-type', values: ['t4g.small'] }],
    });
  });

  it('puts each subnet in a zone that is in both lists', () => {
    const zones = only('aws_availability_zones').id;
    const offerings = only('aws_ec2_instance_type_offerings').id;
    const subnets = Object.values(json.resource.aws_subnet!);
    expect(subnets.map((s) => s.availability_zone)).toEqual(
      [0, 1].map(
        (i) =>
          `\${element(sort(setintersection(data.aws_availability_zones.${zones}.names, data.aws_ec2_instance_type_offerings.${offerings}.locations)), ${i})}`,
      ),
    );
  });

  it('stops the plan with a sentence when no zone offers the type (not an empty-list error)', () => {
    const subnets = Object.values(json.resource.aws_subnet!);
    for (const subnet of subnets)
      expect(subnet.lifecycle).toEqual({
        precondition: [
          {
            condition: expect.stringMatching(
              /^\$\{\(length\(sort\(setintersection\(.+\)\)\) > 0\)\}$/,
            ),
            error_message:
              'No availability zone of us-east-1 offers instance type t4g.small; choose another instanceType',
          },
        ],
      });
  });
});

describe('first apply of search', () => {
  it('creates the S3 notification only after the domain access policy (no 403s, no dead letters)', () => {
    const { json } = synthLab(labConfig({ search: { enabled: true } }));
    const [policyId] = Object.keys(json.resource.aws_opensearch_domain_policy!);
    const [notification] = Object.values(json.resource.aws_s3_bucket_notification!);
    expect(notification!.depends_on).toContain(`aws_opensearch_domain_policy.${policyId}`);
  });
});

describe('the dashboard draws what the producer does', () => {
  const sink = readFileSync(
    join(__dirname, '../../../producer-app/streamlab_producer/sink.py'),
    'utf8',
  );
  const body = (json: StackJson) =>
    JSON.parse(
      String(Object.values(json.resource.aws_cloudwatch_dashboard!)[0]!.dashboard_body),
    ) as {
      widgets: { properties: { title: string; stat: string; metrics: unknown[][] } }[];
    };
  const { json } = synthLab(labConfig({ students: ['ana'] }));

  it('charts PutRecords.* only, since the producer calls put_records and never put_record', () => {
    expect(sink).toMatch(/\.put_records\(/);
    expect(sink).not.toMatch(/\.put_record\(/);
    const kinesis = body(json).widgets.flatMap((w) =>
      w.properties.metrics.filter((m) => m[0] === 'AWS/Kinesis').map((m) => String(m[1])),
    );
    const puts = kinesis.filter((m) => m.startsWith('PutRecord'));
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.filter((m) => !m.startsWith('PutRecords.'))).toEqual([]);
  });

  it('reads no metric a host publishes: every widget and alarm is in an AWS namespace', () => {
    const charted = body(json).widgets.flatMap((w) => w.properties.metrics.map((m) => m[0]));
    const alarmed = Object.values(json.resource.aws_cloudwatch_metric_alarm!).map(
      (a) => (a as { namespace: string }).namespace,
    );
    expect([...charted, ...alarmed].filter((n) => !String(n).startsWith('AWS/'))).toEqual([]);
  });

  it('words the throttling alarm for the stream mode', () => {
    const describe = (mode: 'provisioned' | 'on-demand') =>
      Object.values(
        synthLab(labConfig({ stream: { mode } })).json.resource.aws_cloudwatch_metric_alarm!,
      )
        .map((a) => a as { metric_name: string; alarm_description: string })
        .find((a) => a.metric_name === 'WriteProvisionedThroughputExceeded')!.alarm_description;
    expect(describe('provisioned')).toContain('provisioned shards');
    expect(describe('on-demand')).not.toContain('shards');
    expect(describe('on-demand')).toContain('on-demand');
  });
});
