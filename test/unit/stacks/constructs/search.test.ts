/**
 * The search module (search.enabled), alone in a bare stack with the lake it indexes and
 * the account lookup: what it holds, that every grant names exactly its resources, and
 * that it passes the policy rules. Its place in a whole lab (outputs, dashboard row, the
 * policy gate, nothing when off) is tested in lab-stack.test.ts.
 */
import { MAX_NAME_LENGTH } from '../../../../config/schema';
import { INDEXER_HANDLER, INDEXER_RUNTIME } from '../../../../functions/indexer/build';
import { DataLake } from '../../../../stacks/constructs/data-lake';
import { Search, type SearchProps } from '../../../../stacks/constructs/search';
import {
  LOG_TYPES,
  MAX_DOMAIN_NAME_LENGTH,
  searchDomainName,
  TLS_POLICY,
} from '../../../../stacks/constructs/search-domain';
import { readScope } from '../../../../stacks/constructs/search-indexer';
import {
  checkResource,
  checkStack,
  RULES,
  type ResourceView,
  type RuleId,
} from '../../../../stacks/policy/rules';
import { accountLookup, synthBare } from '../../../support/bare-stack';
import { countOf, resourcesOf, SEARCH_TYPES, type StackJson } from '../../../support/lab-stack';

const SEARCH_RULES: RuleId[] = [
  'CKV_AWS_5',
  'CKV_AWS_6',
  'CKV_AWS_83',
  'CKV_AWS_84',
  'CKV_AWS_115',
  'CKV_AWS_116',
  'CKV_AWS_173',
];

/** A Search as a lab of two students builds it, with `extra` props over it. */
function synthSearch(extra: Partial<SearchProps> = {}): StackJson {
  return synthBare((s) => {
    new Search(s, 'Search', {
      name: 'bigdata-lab',
      region: 'us-east-1',
      lake: new DataLake(s, 'DataLake', { namePrefix: 'bigdata-lab-lake-' }),
      prefixes: ['students/ana/', 'students/bruno/'],
      accountId: accountLookup(s),
      ...extra,
    });
  }).json;
}

let json: StackJson;
beforeAll(() => {
  json = synthSearch();
});

type Attrs = Record<string, unknown>;

/** Logical id and attributes of the one resource of `type` matching `where`. */
function find(type: string, where: (a: Attrs) => boolean = () => true): [string, Attrs] {
  const hits = Object.entries(json.resource[type] ?? {}).filter(([, a]) => where(a));
  expect(hits.map(([id]) => id)).toHaveLength(1);
  return hits[0]!;
}
const attrs = (type: string, where?: (a: Attrs) => boolean) => find(type, where)[1];
/** "${type.id.attr}", as a reference to that resource appears in the JSON. */
const ref = (type: string, attr: string, where?: (a: Attrs) => boolean) =>
  `\${${type}.${find(type, where)[0]}.${attr}}`;

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS?: string | string[]; Service?: string };
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
const statements = (policy: unknown) =>
  (JSON.parse(String(policy)) as { Statement: Statement[] }).Statement;

const named = (name: string) => (a: Attrs) => a.name === name;
const INDEXER = 'bigdata-lab-indexer';
/** IAM names carry the region (IAM is account-wide, the lab regional). */
const INDEXER_ROLE = `${INDEXER}-us-east-1`;
const DOMAIN = 'bigdata-lab-search';

describe('Search', () => {
  it('has the domain, Lambda, DLQ, event-invoke config, notification and permission, once each', () => {
    for (const type of SEARCH_TYPES) expect([type, countOf(json, type)]).toEqual([type, 1]);
    const groups = resourcesOf(json, 'aws_cloudwatch_log_group').map((g) => String(g.name));
    expect(groups.filter((n) => /opensearch|lambda/.test(n)).sort()).toEqual([
      `/aws/lambda/${INDEXER}`,
      `/aws/opensearch/${DOMAIN}/es-application-logs`,
      `/aws/opensearch/${DOMAIN}/index-slow-logs`,
      `/aws/opensearch/${DOMAIN}/search-slow-logs`,
    ]);
  });

  it('grants the indexer role exactly its own resources, none on "*"', () => {
    const role = ref('aws_iam_role', 'id', named(INDEXER_ROLE));
    const policies = resourcesOf(json, 'aws_iam_role_policy').filter((p) => p.role === role);
    const granted = Object.fromEntries(
      policies.flatMap((p) =>
        statements(p.policy).map((s) => [
          `${String(p.name)}/${s.Sid}`,
          [s.Effect, s.Action, s.Resource, s.Condition ?? null],
        ]),
      ),
    );
    const bucket = ref('aws_s3_bucket', 'arn');
    // No statement needs "*": S3, Logs, OpenSearch, SQS and KMS all take resource ARNs here.
    expect(granted).toEqual({
      // The lake uses SSE-S3 (no customer key), so there is no kms:Decrypt for it.
      'ReadDeliveredObjects/ReadOwnPrefixes': [
        'Allow',
        ['s3:GetObject'],
        [`${bucket}/students/ana/*`, `${bucket}/students/bruno/*`],
        null,
      ],
      'WriteOwnLogs/WriteOwnLogGroup': [
        'Allow',
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        [`${ref('aws_cloudwatch_log_group', 'arn', named(`/aws/lambda/${INDEXER}`))}:*`],
        null,
      ],
      'IndexIntoDomain/BulkIndexIntoOwnDomain': [
        'Allow',
        ['es:ESHttpPost', 'es:ESHttpPut'],
        [`${ref('aws_opensearch_domain', 'arn')}/*`],
        null,
      ],
      'SendToDeadLetterQueue/SendFailedEvents': [
        'Allow',
        ['sqs:SendMessage'],
        [ref('aws_sqs_queue', 'arn')],
        null,
      ],
      'UseSearchKey/EnvironmentAndQueueEncryption': [
        'Allow',
        ['kms:Decrypt', 'kms:GenerateDataKey'],
        [ref('aws_kms_key', 'arn')],
        null,
      ],
    });
    // The role trusts Lambda only.
    expect(statements(attrs('aws_iam_role', named(INDEXER_ROLE)).assume_role_policy)).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  it('reserves no concurrency by default (accounts with a quota of 10 or 50 could not), the configured number when asked', () => {
    expect(attrs('aws_lambda_function')).not.toHaveProperty('reserved_concurrent_executions');
    const reserved = synthSearch({ reservedConcurrency: 2 });
    const [fn] = Object.values(reserved.resource.aws_lambda_function!);
    expect(fn).toMatchObject({ reserved_concurrent_executions: 2 });
  });

  it('configures the function: runtime, DLQ, KMS-encrypted environment, own log group', () => {
    const fn = attrs('aws_lambda_function');
    expect(fn).toMatchObject({
      function_name: INDEXER,
      runtime: INDEXER_RUNTIME,
      handler: INDEXER_HANDLER,
      dead_letter_config: { target_arn: ref('aws_sqs_queue', 'arn') },
      kms_key_arn: ref('aws_kms_key', 'arn'),
      environment: {
        variables: {
          OPENSEARCH_ENDPOINT: ref('aws_opensearch_domain', 'endpoint'),
          INDEX_NAME: 'posts',
        },
      },
      logging_config: {
        log_group: ref('aws_cloudwatch_log_group', 'name', named(`/aws/lambda/${INDEXER}`)),
      },
      role: ref('aws_iam_role', 'arn', named(INDEXER_ROLE)),
    });
    expect(String(fn.filename)).toMatch(/^assets\/[\w-]+\/[0-9A-F]{32}\/archive\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${String(fn.filename)}")}`);
    // Created only once its grants exist (Lambda checks the DLQ permission at create).
    expect(
      (fn.depends_on as string[]).filter((d) => d.startsWith('aws_iam_role_policy.')),
    ).toHaveLength(5);

    expect(attrs('aws_sqs_queue')).toMatchObject({
      name: `${INDEXER}-dlq`,
      kms_master_key_id: ref('aws_kms_key', 'arn'),
    });
    const retries = attrs('aws_lambda_function_event_invoke_config');
    expect(retries).toMatchObject({
      function_name: ref('aws_lambda_function', 'function_name'),
      maximum_retry_attempts: 2,
    });
    // DLQ only: an on-failure destination as well would deliver every failure twice.
    expect(retries).not.toHaveProperty('destination_config');
  });

  it('lets only the lake bucket of this account invoke it, on the delivery prefixes, after the permission', () => {
    const permission = attrs('aws_lambda_permission');
    expect(permission).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 's3.amazonaws.com',
      function_name: ref('aws_lambda_function', 'function_name'),
      source_arn: ref('aws_s3_bucket', 'arn'),
      source_account: expect.stringMatching(
        /^\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}$/,
      ),
    });
    const [permissionId] = find('aws_lambda_permission');
    const notification = attrs('aws_s3_bucket_notification');
    expect(notification).toMatchObject({
      bucket: ref('aws_s3_bucket', 'id'),
      depends_on: [
        `aws_lambda_permission.${permissionId}`,
        `aws_opensearch_domain_policy.${find('aws_opensearch_domain_policy')[0]}`,
      ],
    });
    // Data prefixes only: Firehose's errors/<student>/ output never fires the indexer.
    expect(notification.lambda_function).toEqual(
      ['students/ana/', 'students/bruno/'].map((prefix) => ({
        events: ['s3:ObjectCreated:*'],
        filter_prefix: prefix,
        lambda_function_arn: ref('aws_lambda_function', 'arn'),
      })),
    );
  });

  it('runs a one-node domain encrypted at rest and in transit, HTTPS only with TLS 1.2+, logging', () => {
    const domain = attrs('aws_opensearch_domain');
    const key = ref('aws_kms_key', 'arn');
    expect(domain).toMatchObject({
      domain_name: DOMAIN,
      cluster_config: { instance_type: 't3.small.search', instance_count: 1 },
      ebs_options: { ebs_enabled: true, volume_type: 'gp3', volume_size: 10 },
      encrypt_at_rest: { enabled: true, kms_key_id: key },
      node_to_node_encryption: { enabled: true },
      domain_endpoint_options: { enforce_https: true, tls_security_policy: TLS_POLICY },
    });
    expect(TLS_POLICY).toMatch(/^Policy-Min-TLS-1-2/);
    const published = domain.log_publishing_options as Attrs[];
    expect(published.map((o) => o.log_type)).toEqual([...LOG_TYPES]);
    const [policyId] = find('aws_cloudwatch_log_resource_policy');
    expect(domain.depends_on).toEqual([`aws_cloudwatch_log_resource_policy.${policyId}`]);
    for (const option of published) {
      const group = resourcesOf(json, 'aws_cloudwatch_log_group').find(
        (g) =>
          option.cloudwatch_log_group_arn ===
          ref('aws_cloudwatch_log_group', 'arn', named(String(g.name))),
      );
      expect(group).toMatchObject({ kms_key_id: key, retention_in_days: 14 });
    }
    // OpenSearch may write to its three groups only, and only for this domain.
    const [write] = statements(attrs('aws_cloudwatch_log_resource_policy').policy_document);
    expect(write).toMatchObject({
      Principal: { Service: 'es.amazonaws.com' },
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: published.map((o) => `${String(o.cloudwatch_log_group_arn)}:*`),
      Condition: {
        ArnLike: {
          'aws:SourceArn': expect.stringMatching(new RegExp(`:es:us-east-1:.+:domain/${DOMAIN}$`)),
        },
      },
    });
  });

  it('lets the indexer role write to the domain and the account read it, no one else', () => {
    const access = statements(attrs('aws_opensearch_domain_policy').access_policies);
    const paths = `${ref('aws_opensearch_domain', 'arn')}/*`;
    expect(access).toEqual([
      {
        Sid: 'IndexerWrites',
        Effect: 'Allow',
        Principal: { AWS: [ref('aws_iam_role', 'arn', named(INDEXER_ROLE))] },
        Action: ['es:ESHttpPost', 'es:ESHttpPut'],
        Resource: paths,
      },
      {
        Sid: 'AccountReads',
        Effect: 'Allow',
        Principal: {
          AWS: expect.stringMatching(
            /^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:iam::\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:root$/,
          ),
        },
        Action: ['es:ESHttpGet', 'es:ESHttpHead'],
        Resource: paths,
      },
    ]);
  });

  it('lets CloudWatch Logs use the key for the module log groups only', () => {
    const key = statements(attrs('aws_kms_key').policy);
    const logs = key.find((s) => s.Sid === 'EncryptModuleLogGroups')!;
    expect(logs.Principal).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
    const groups = logs.Condition!.ArnLike!['kms:EncryptionContext:aws:logs:arn'] as string[];
    expect(groups.map((g) => g.replace(/^.*:log-group:/, ''))).toEqual([
      `/aws/lambda/${INDEXER}`,
      `/aws/opensearch/${DOMAIN}/*`,
    ]);
    expect(attrs('aws_kms_key').enable_key_rotation).toBe(true);
  });

  it('alarms on indexer errors and dead letters', () => {
    const alarms = resourcesOf(json, 'aws_cloudwatch_metric_alarm').filter((a) =>
      String(a.alarm_name).includes('indexer'),
    );
    const summary = alarms.map((a) => [a.alarm_name, a.namespace, a.metric_name, a.dimensions]);
    expect(summary.sort()).toEqual([
      [
        'bigdata-lab-indexer-dead-letters',
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        { QueueName: `${INDEXER}-dlq` },
      ],
      ['bigdata-lab-indexer-errors', 'AWS/Lambda', 'Errors', { FunctionName: INDEXER }],
    ]);
  });

  describe('CKV_AWS_115 (reserved concurrency), decided over the stack', () => {
    const views = (spoil: (type: string, a: Attrs) => Attrs = (_t, a) => a): ResourceView[] =>
      ['aws_lambda_function', 'aws_lambda_permission'].map((type) => {
        const [logicalId, a] = find(type);
        return { type, logicalId, path: `lab/${type}`, attrs: spoil(type, a) };
      });
    const rule115 = (v: ResourceView[]) => {
      const { findings, exemptions } = checkStack(v);
      return {
        findings: findings.filter((f) => f.rule === 'CKV_AWS_115').map((f) => f.message),
        exemptions: exemptions.filter((e) => e.rule === 'CKV_AWS_115').map((e) => e.reason),
      };
    };

    it('unreserved, fired by S3 with a dead-letter queue: exempt, with the reason', () => {
      expect(rule115(views())).toEqual({
        findings: [],
        exemptions: [expect.stringMatching(/opt-in \(search\.reservedConcurrency\).*10 or 50/)],
      });
    });

    it('reserved: passes, no exemption needed', () => {
      const r = rule115(
        views((t, a) =>
          t === 'aws_lambda_function' ? { ...a, reserved_concurrent_executions: 2 } : a,
        ),
      );
      expect(r).toEqual({ findings: [], exemptions: [] });
    });

    it('unreserved without a dead-letter queue, or not fired by S3: a finding', () => {
      const noDlq = rule115(
        views((t, { dead_letter_config: _d, ...a }) =>
          t === 'aws_lambda_function' ? a : { ...a, dead_letter_config: _d },
        ),
      );
      expect(noDlq.findings).toEqual([
        'reserved_concurrent_executions is unset: no concurrency limit and no dead-letter queue',
      ]);
      const notS3 = rule115(
        views((t, a) =>
          t === 'aws_lambda_permission' ? { ...a, principal: 'events.amazonaws.com' } : a,
        ),
      );
      expect(notS3.findings).toEqual([
        'reserved_concurrent_executions is unset: no concurrency limit',
      ]);
      const minusOne = rule115(
        views((t, a) =>
          t === 'aws_lambda_permission'
            ? { ...a, principal: 'events.amazonaws.com' }
            : { ...a, reserved_concurrent_executions: -1 },
        ),
      );
      expect(minusOne.findings).toEqual([
        'reserved_concurrent_executions is -1: no concurrency limit',
      ]);
    });
  });

  it.each<[RuleId, string, (a: Attrs) => Attrs]>([
    ['CKV_AWS_5', 'aws_opensearch_domain', (a) => ({ ...a, encrypt_at_rest: { enabled: false } })],
    ['CKV_AWS_6', 'aws_opensearch_domain', ({ node_to_node_encryption: _n, ...a }) => a],
    ['CKV_AWS_83', 'aws_opensearch_domain', (a) => ({ ...a, domain_endpoint_options: {} })],
    ['CKV_AWS_84', 'aws_opensearch_domain', ({ log_publishing_options: _l, ...a }) => a],
    ['CKV_AWS_116', 'aws_lambda_function', ({ dead_letter_config: _d, ...a }) => a],
    ['CKV_AWS_173', 'aws_lambda_function', ({ kms_key_arn: _k, ...a }) => a],
  ])('%s: our %s passes it, and fails it with that one setting removed', (rule, type, spoil) => {
    expect(SEARCH_RULES).toContain(rule);
    expect(RULES[rule]).toBeDefined();
    const view = { type, logicalId: 'x', path: 'lab/x', attrs: attrs(type) };
    expect(checkResource(view)).toEqual([]);
    expect(checkResource({ ...view, attrs: spoil(view.attrs) }).map((f) => f.rule)).toEqual([rule]);
  });
});

describe('read grant of a large classroom', () => {
  const students = (n: number, len: number) =>
    Array.from({ length: n }, (_, i) => `s${String(i).padStart(len - 1, '0')}`);

  it('names every prefix for a classroom of 30', () => {
    const prefixes = students(30, 10).map((s) => `students/${s}/`);
    expect(readScope(prefixes)).toEqual(prefixes);
  });

  it('reads the data root (never errors/) when per-prefix ARNs would not fit', () => {
    expect(readScope(students(100, 20).map((s) => `students/${s}/`))).toEqual(['students/']);
  });

  it.each([
    [30, 10],
    [100, 20],
  ])(
    'keeps the indexer role within IAM inline policy quota (10,240 chars): %i students, %i-char names',
    (n, len) => {
      const prefixes = students(n, len).map((st) => `students/${st}/`);
      const big = synthSearch({ name: 'x'.repeat(MAX_NAME_LENGTH), prefixes });
      const roleId = Object.entries(big.resource.aws_iam_role!).find(([, r]) =>
        String(r.name).endsWith('-indexer-us-east-1'),
      )![0];
      const policies = resourcesOf(big, 'aws_iam_role_policy').filter(
        (p) => p.role === `\${aws_iam_role.${roleId}.id}`,
      );
      // Each reference resolves to an ARN: count it as 100 characters, more than any here.
      const size = policies
        .map((p) =>
          String(p.policy)
            .replace(/\$\{[^}]+\}/g, 'a'.repeat(100))
            .replace(/\s/g, ''),
        )
        .reduce((total, text) => total + text.length, 0);
      expect(size).toBeLessThanOrEqual(10_240);
      const read = statements(policies.find((p) => p.name === 'ReadDeliveredObjects')!.policy);
      if (readScope(prefixes).length < n) {
        expect(read.map((st) => [st.Effect, st.Resource])).toEqual([
          ['Allow', [expect.stringMatching(/\.arn\}\/students\/\*$/)]],
        ]);
      } else {
        expect(read[0]!.Resource).toHaveLength(n);
      }
    },
  );
});

describe('Search and the domain name', () => {
  it('is what Search uses for the longest lab name', () => {
    const name = `lab-${'n'.repeat(MAX_NAME_LENGTH - 4)}`;
    const long = synthSearch({ name });
    const domain = resourcesOf(long, 'aws_opensearch_domain')[0]!;
    expect(domain.domain_name).toBe(searchDomainName(name));
    expect(String(domain.domain_name).length).toBeLessThanOrEqual(MAX_DOMAIN_NAME_LENGTH);
  });
});
