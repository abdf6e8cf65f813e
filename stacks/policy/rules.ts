/**
 * The policy rules, named after their Checkov ids so a finding here means the same as a
 * finding in Checkov. Each rule reads a resource's synthesized (snake_case, resolved)
 * attributes; cross-resource rules read the whole stack.
 */

/** One Terraform resource as it will be written to cdk.tf.json. */
export interface ResourceView {
  /** Terraform type, e.g. "aws_instance". */
  readonly type: string;
  /** Terraform name within the type (the logical id). */
  readonly logicalId: string;
  /** Construct path, e.g. "bigdata-lab/Student-lab/Host/Instance": what waivers name. */
  readonly path: string;
  /** Resolved attributes: references appear as "${aws_vpc.<id>.id}". */
  readonly attrs: Record<string, unknown>;
}

export interface Finding {
  readonly rule: RuleId;
  readonly path: string;
  readonly message: string;
}

/** A rule passed by a built-in exemption (documented in docs/aws-stack.md, "Policy"). */
export interface Exemption {
  readonly rule: RuleId;
  readonly path: string;
  readonly reason: string;
}

export const RULES = {
  CKV_AWS_24: 'no security group ingress from 0.0.0.0/0 or ::/0 to port 22',
  CKV_AWS_79: 'instance metadata service requires IMDSv2 tokens',
  CKV_AWS_8: 'EBS volumes of instances are encrypted',
  CKV2_AWS_6: 'S3 bucket has a public access block with all four settings true',
  CKV_AWS_19: 'S3 bucket has default server-side encryption',
  CKV_AWS_43: 'Kinesis stream is encrypted at rest (KMS)',
  CKV_AWS_240: 'Firehose delivery stream is encrypted at rest',
  CKV_AWS_60: 'an IAM role trusts only named principals, never "*"',
  CKV_AWS_63: 'no IAM policy allows "*" actions',
  CKV_AWS_355: 'no IAM policy allows "*" resources for actions that take a resource',
  CKV_AWS_66: 'CloudWatch log group has a retention',
  CKV2_AWS_12: 'the VPC default security group has no rules',
  CKV2_AWS_11: 'VPC flow logs are enabled',
  CKV_AWS_5: 'OpenSearch domain is encrypted at rest',
  CKV_AWS_6: 'OpenSearch domain encrypts node-to-node traffic',
  CKV_AWS_83: 'OpenSearch domain enforces HTTPS',
  CKV_AWS_84: 'OpenSearch domain publishes logs to CloudWatch',
  CKV_AWS_115: 'Lambda function has a reserved concurrency limit',
  CKV_AWS_116: 'Lambda function has a dead-letter queue',
  CKV_AWS_173: 'Lambda environment variables are encrypted with a KMS key',
} as const;
export type RuleId = keyof typeof RULES;

/**
 * Actions that have no resource-level permissions: "*" is the only resource IAM accepts
 * for them, so CKV_AWS_355 does not apply (their scope comes from conditions).
 */
export const UNSCOPABLE_ACTIONS = new Set([
  'cloudwatch:GetMetricData',
  'cloudwatch:ListMetrics',
  'ec2:DescribeInstances',
  'ec2:DescribeTags',
  'sts:GetCallerIdentity',
]);

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/;

/** "aws_vpc.Network_Vpc_1234" for a reference such as "${aws_vpc.Network_Vpc_1234.id}". */
export function referencedAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = REFERENCE.exec(value);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

const addressOf = (r: ResourceView) => `${r.type}.${r.logicalId}`;

/** A nested block: the provider synthesizes single blocks as objects, some as 1-element lists. */
function block(value: unknown): Record<string, unknown> | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter((v) => v !== null && typeof v === 'object');
  const one = block(value);
  return one ? [one] : [];
}

const isTrue = (v: unknown) => v === true || v === 'true';
const OPEN_V4 = '0.0.0.0/0';
const OPEN_V6 = '::/0';

function coversSsh(protocol: unknown, from: unknown, to: unknown): boolean {
  const p = String(protocol ?? '');
  if (p === '-1' || p === 'all') return true;
  if (p !== 'tcp' && p !== '6') return false;
  const lo = Number(from ?? 0);
  const hi = Number(to ?? 65535);
  return lo <= 22 && 22 <= hi;
}

const isOpen = (cidrs: unknown) =>
  Array.isArray(cidrs) && cidrs.some((c) => c === OPEN_V4 || c === OPEN_V6);

/** An inline ingress block and an aws_security_group_rule spell their ranges alike. */
const opensSshToAll = (rule: Record<string, unknown>) =>
  (isOpen(rule.cidr_blocks) || isOpen(rule.ipv6_cidr_blocks)) &&
  coversSsh(rule.protocol, rule.from_port, rule.to_port);

function openSshFindings(r: ResourceView): string[] {
  const out: string[] = [];
  if (r.type === 'aws_security_group') {
    for (const rule of blocks(r.attrs.ingress)) {
      if (opensSshToAll(rule)) out.push('inline ingress opens port 22 to the whole internet');
    }
  } else if (r.type === 'aws_security_group_rule') {
    if (r.attrs.type === 'ingress' && opensSshToAll(r.attrs)) {
      out.push('ingress rule opens port 22 to the whole internet');
    }
  } else if (r.type === 'aws_vpc_security_group_ingress_rule') {
    const a = r.attrs;
    if (
      (a.cidr_ipv4 === OPEN_V4 || a.cidr_ipv6 === OPEN_V6) &&
      coversSsh(a.ip_protocol, a.from_port, a.to_port)
    ) {
      out.push(`ingress rule opens port 22 to ${String(a.cidr_ipv4 ?? a.cidr_ipv6)}`);
    }
  }
  return out;
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
}

const POLICY_ATTRS: Record<string, string[]> = {
  aws_iam_role_policy: ['policy'],
  aws_iam_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_kinesis_resource_policy: ['policy'],
  // Resource policies: a wildcard action or resource there is as wide as in a role's.
  aws_opensearch_domain: ['access_policies'],
  aws_opensearch_domain_policy: ['access_policies'],
  aws_elasticsearch_domain: ['access_policies'],
  aws_elasticsearch_domain_policy: ['access_policies'],
  aws_cloudwatch_log_resource_policy: ['policy_document'],
  aws_sqs_queue_policy: ['policy'],
};

function statementsOf(r: ResourceView): { statements: Statement[]; unreadable?: string } {
  const attrs = POLICY_ATTRS[r.type];
  const texts: unknown[] = attrs ? attrs.map((a) => r.attrs[a]) : [];
  if (r.type === 'aws_iam_role') texts.push(...blocks(r.attrs.inline_policy).map((p) => p.policy));
  const statements: Statement[] = [];
  for (const text of texts) {
    if (text === undefined) continue;
    if (typeof text !== 'string') return { statements, unreadable: 'policy is not a JSON string' };
    let doc: { Statement?: Statement | Statement[] };
    try {
      doc = JSON.parse(text) as typeof doc;
    } catch {
      // A policy built with Terraform functions cannot be read here: fail closed.
      return { statements, unreadable: 'policy is not literal JSON, so it cannot be checked' };
    }
    const s = doc.Statement;
    statements.push(...(Array.isArray(s) ? s : s ? [s] : []));
  }
  return { statements };
}

const list = (v: string | string[] | undefined) =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

function iamFindings(r: ResourceView): Finding[] {
  const { statements, unreadable } = statementsOf(r);
  const out: Finding[] = [];
  if (unreadable) {
    out.push({ rule: 'CKV_AWS_63', path: r.path, message: unreadable });
    return out;
  }
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue;
    const actions = list(s.Action);
    if (s.NotAction !== undefined) {
      out.push({
        rule: 'CKV_AWS_63',
        path: r.path,
        message: 'Allow with NotAction grants everything else',
      });
    }
    const wild = actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));
    if (wild.length > 0) {
      out.push({
        rule: 'CKV_AWS_63',
        path: r.path,
        message: `allows action ${wild.map((a) => `"${a}"`).join(', ')}`,
      });
    }
    if (list(s.Resource).includes('*')) {
      const scopable = actions.filter((a) => !UNSCOPABLE_ACTIONS.has(a));
      if (scopable.length > 0) {
        out.push({
          rule: 'CKV_AWS_355',
          path: r.path,
          message: `allows ${scopable.join(', ')} on resource "*"; name the resource`,
        });
      }
    }
  }
  return out;
}

/** CKV_AWS_60: who may assume the role, read from its trust policy. */
function trustFindings(r: ResourceView): string[] {
  if (r.type !== 'aws_iam_role' || r.attrs.assume_role_policy === undefined) return [];
  const text = r.attrs.assume_role_policy;
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(String(text)) as typeof doc;
  } catch {
    return ['trust policy is not literal JSON, so it cannot be checked'];
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const out: string[] = [];
  for (const s of statements as { Effect?: string; Principal?: unknown }[]) {
    if (!s || s.Effect !== 'Allow') continue;
    const p = s.Principal;
    const aws = p !== null && typeof p === 'object' ? (p as { AWS?: unknown }).AWS : undefined;
    const awsList = Array.isArray(aws) ? aws : aws === undefined ? [] : [aws];
    if (p === '*' || awsList.includes('*')) {
      out.push('trust policy lets any AWS principal ("*") assume the role');
    }
  }
  return out;
}

const SEARCH_DOMAINS = new Set(['aws_opensearch_domain', 'aws_elasticsearch_domain']);

/** CKV_AWS_5, 6, 83, 84 on an OpenSearch (or legacy Elasticsearch) domain. */
function searchDomainFindings(a: Record<string, unknown>): [RuleId, string][] {
  const out: [RuleId, string][] = [];
  if (!isTrue(block(a.encrypt_at_rest)?.enabled)) {
    out.push(['CKV_AWS_5', 'encrypt_at_rest.enabled is not true']);
  }
  if (!isTrue(block(a.node_to_node_encryption)?.enabled)) {
    out.push(['CKV_AWS_6', 'node_to_node_encryption.enabled is not true']);
  }
  if (!isTrue(block(a.domain_endpoint_options)?.enforce_https)) {
    out.push(['CKV_AWS_83', 'domain_endpoint_options.enforce_https is not true']);
  }
  // As Checkov: at least one log type published to a log group (enabled defaults to true).
  const publishing = blocks(a.log_publishing_options).filter(
    (o) => o.cloudwatch_log_group_arn && o.enabled !== false && o.enabled !== 'false',
  );
  if (publishing.length === 0) {
    out.push(['CKV_AWS_84', 'no log_publishing_options sends logs to a CloudWatch log group']);
  }
  return out;
}

/** CKV_AWS_116, 173 on a Lambda function (CKV_AWS_115 in checkStack). */
function lambdaFindings(a: Record<string, unknown>): [RuleId, string][] {
  const out: [RuleId, string][] = [];
  // CKV_AWS_115 (reserved concurrency) is decided in checkStack: whether an unreserved
  // function is acceptable depends on what invokes it.
  if (!block(a.dead_letter_config)?.target_arn) {
    out.push(['CKV_AWS_116', 'dead_letter_config.target_arn is not set']);
  }
  const variables = block(a.environment)?.variables;
  const hasVariables =
    variables !== undefined &&
    (typeof variables !== 'object' || Object.keys(variables as object).length > 0);
  if (hasVariables && !a.kms_key_arn) {
    out.push([
      'CKV_AWS_173',
      'environment variables are set but kms_key_arn is not (they are encrypted with the AWS-managed key only)',
    ]);
  }
  return out;
}

/** Rules that need only the resource itself. */
export function checkResource(r: ResourceView): Finding[] {
  const f = (rule: RuleId, message: string): Finding => ({ rule, path: r.path, message });
  const out: Finding[] = openSshFindings(r).map((m) => f('CKV_AWS_24', m));
  out.push(...trustFindings(r).map((m) => f('CKV_AWS_60', m)));
  const a = r.attrs;
  switch (r.type) {
    case 'aws_instance': {
      const tokens = block(a.metadata_options)?.http_tokens;
      if (tokens !== 'required') {
        out.push(
          f(
            'CKV_AWS_79',
            `metadata_options.http_tokens is ${tokens === undefined ? 'unset (IMDSv1 allowed)' : JSON.stringify(tokens)}, not "required"`,
          ),
        );
      }
      if (!isTrue(block(a.root_block_device)?.encrypted)) {
        out.push(f('CKV_AWS_8', 'root_block_device.encrypted is not true'));
      }
      blocks(a.ebs_block_device).forEach((d, i) => {
        if (!isTrue(d.encrypted))
          out.push(f('CKV_AWS_8', `ebs_block_device[${i}].encrypted is not true`));
      });
      break;
    }
    case 'aws_ebs_volume':
      if (!isTrue(a.encrypted)) out.push(f('CKV_AWS_8', 'encrypted is not true'));
      break;
    case 'aws_kinesis_stream':
      if (a.encryption_type !== 'KMS') {
        out.push(
          f(
            'CKV_AWS_43',
            `encryption_type is ${JSON.stringify(a.encryption_type ?? 'NONE')}, not "KMS"`,
          ),
        );
      }
      break;
    case 'aws_cloudwatch_log_group': {
      const days = Number(a.retention_in_days ?? 0);
      if (!(days > 0))
        out.push(f('CKV_AWS_66', 'retention_in_days is not set (logs kept forever)'));
      break;
    }
    case 'aws_lambda_function':
      out.push(...lambdaFindings(a).map(([rule, m]) => f(rule, m)));
      break;
  }
  if (SEARCH_DOMAINS.has(r.type)) {
    out.push(...searchDomainFindings(a).map(([rule, m]) => f(rule, m)));
  }
  out.push(...iamFindings(r));
  return out;
}

/** Rules that relate resources to each other (bucket ↔ its settings, VPC ↔ flow log …). */
export function checkStack(resources: readonly ResourceView[]): {
  findings: Finding[];
  exemptions: Exemption[];
} {
  const findings: Finding[] = [];
  const exemptions: Exemption[] = [];
  const byAddress = new Map(resources.map((r) => [addressOf(r), r]));
  const ofType = (t: string) => resources.filter((r) => r.type === t);
  const pointingAt = (t: string, attr: string, target: ResourceView) =>
    ofType(t).filter((r) => referencedAddress(r.attrs[attr]) === addressOf(target));

  for (const bucket of ofType('aws_s3_bucket')) {
    const pab = pointingAt('aws_s3_bucket_public_access_block', 'bucket', bucket);
    const flags = [
      'block_public_acls',
      'block_public_policy',
      'ignore_public_acls',
      'restrict_public_buckets',
    ];
    if (!pab.some((p) => flags.every((k) => isTrue(p.attrs[k])))) {
      const missing =
        pab.length === 0
          ? 'no aws_s3_bucket_public_access_block'
          : `not all of ${flags.join(', ')} are true`;
      findings.push({ rule: 'CKV2_AWS_6', path: bucket.path, message: missing });
    }
    const sse = pointingAt('aws_s3_bucket_server_side_encryption_configuration', 'bucket', bucket);
    const inline = block(bucket.attrs.server_side_encryption_configuration);
    if (sse.length === 0 && !inline) {
      findings.push({
        rule: 'CKV_AWS_19',
        path: bucket.path,
        message: 'no default server-side encryption configuration',
      });
    }
  }

  for (const firehose of ofType('aws_kinesis_firehose_delivery_stream')) {
    if (isTrue(block(firehose.attrs.server_side_encryption)?.enabled)) continue;
    const sourceArn = block(firehose.attrs.kinesis_source_configuration)?.kinesis_stream_arn;
    if (sourceArn === undefined) {
      findings.push({
        rule: 'CKV_AWS_240',
        path: firehose.path,
        message: 'server_side_encryption is not enabled',
      });
      continue;
    }
    const source = byAddress.get(referencedAddress(sourceArn) ?? '');
    if (source?.type === 'aws_kinesis_stream' && source.attrs.encryption_type === 'KMS') {
      exemptions.push({
        rule: 'CKV_AWS_240',
        path: firehose.path,
        reason: `Kinesis-sourced: AWS forbids Firehose SSE here; data at rest stays in the KMS-encrypted source stream ${source.path}`,
      });
    } else {
      findings.push({
        rule: 'CKV_AWS_240',
        path: firehose.path,
        message: source
          ? `its source stream ${source.path} is not KMS-encrypted`
          : 'its source stream is outside this stack, so its encryption cannot be checked',
      });
    }
  }

  for (const fn of ofType('aws_lambda_function')) {
    const reserved = fn.attrs.reserved_concurrent_executions;
    // -1 is the provider's "no reservation": the function may take the account's whole pool.
    if (reserved !== undefined && Number(reserved) >= 0) continue;
    const s3Fired = pointingAt('aws_lambda_permission', 'function_name', fn).some(
      (p) => p.attrs.principal === 's3.amazonaws.com',
    );
    if (s3Fired && block(fn.attrs.dead_letter_config)?.target_arn) {
      exemptions.push({
        rule: 'CKV_AWS_115',
        path: fn.path,
        reason:
          'reserved concurrency is opt-in (search.reservedConcurrency): a reservation comes out of ' +
          "the account's unreserved pool, which Lambda keeps at 100 or more, so accounts whose " +
          'concurrency quota is 10 or 50 cannot reserve any; S3 invokes this function ' +
          'asynchronously, so a throttled event is retried and then kept on its dead-letter queue',
      });
    } else {
      findings.push({
        rule: 'CKV_AWS_115',
        path: fn.path,
        message: `reserved_concurrent_executions is ${reserved === undefined ? 'unset' : JSON.stringify(reserved)}: no concurrency limit${s3Fired ? ' and no dead-letter queue' : ''}`,
      });
    }
  }

  for (const vpc of ofType('aws_vpc')) {
    const defaults = pointingAt('aws_default_security_group', 'vpc_id', vpc);
    const closed = defaults.some(
      (d) => blocks(d.attrs.ingress).length === 0 && blocks(d.attrs.egress).length === 0,
    );
    if (!closed) {
      findings.push({
        rule: 'CKV2_AWS_12',
        path: vpc.path,
        message:
          defaults.length === 0
            ? 'default security group is not managed (it keeps its allow-all rules)'
            : 'the managed default security group still has rules',
      });
    }
    if (pointingAt('aws_flow_log', 'vpc_id', vpc).length === 0) {
      findings.push({
        rule: 'CKV2_AWS_11',
        path: vpc.path,
        message: 'no aws_flow_log for this VPC',
      });
    }
  }
  return { findings, exemptions };
}
