/**
 * The OpenSearch domain the indexer writes to: one small node, encrypted at rest (the
 * search key) and between nodes, HTTPS only with a TLS 1.2+ forward-secrecy policy, its
 * three log types in KMS-encrypted log groups with a retention, and an access policy
 * that names principals instead of opening the domain to the account or the internet.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { CloudwatchLogResourcePolicy } from '@cdktn/provider-aws/lib/cloudwatch-log-resource-policy';
import { OpensearchDomain } from '@cdktn/provider-aws/lib/opensearch-domain';
import { OpensearchDomainPolicy } from '@cdktn/provider-aws/lib/opensearch-domain-policy';
import { LogGroup } from './log-group';
import type { AwsContext } from './search-context';
import type { ServiceRole } from './service-role';

/** OpenSearch Service limit on domain names (3..28, lowercase, starts with a letter). */
export const MAX_DOMAIN_NAME_LENGTH = 28;
/** Pinned so a provider or service default never upgrades the engine under a lab. */
export const ENGINE_VERSION = 'OpenSearch_2.19';
/** TLS 1.2 minimum with forward-secret ciphers only. */
export const TLS_POLICY = 'Policy-Min-TLS-1-2-PFS-2023-10';
export const LOG_TYPES = ['INDEX_SLOW_LOGS', 'SEARCH_SLOW_LOGS', 'ES_APPLICATION_LOGS'] as const;

/**
 * `<lab>-search`, or, when that is too long, the lab name cut short plus 6 hex of its
 * hash: stable for a lab name (a renamed domain is a deleted index), distinct for two
 * long names sharing their first 21 characters.
 */
export function searchDomainName(lab: string): string {
  const plain = `${lab}-search`;
  if (plain.length <= MAX_DOMAIN_NAME_LENGTH) return plain;
  const hash = createHash('sha256').update(lab).digest('hex').slice(0, 6);
  const head = lab.slice(0, MAX_DOMAIN_NAME_LENGTH - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** Parent path of the domain's log groups. */
export const domainLogGroupPrefix = (domain: string) => `/aws/opensearch/${domain}/`;

/** Log group of one domain log type: `/aws/opensearch/<domain>/<type>`. */
export const domainLogGroupName = (domain: string, type: (typeof LOG_TYPES)[number]) =>
  `${domainLogGroupPrefix(domain)}${type.toLowerCase().replace(/_/g, '-')}`;

export interface SearchDomainProps {
  /** Domain name (see searchDomainName). */
  readonly domainName: string;
  /** @default "t3.small.search" */
  readonly instanceType?: string;
  /** EBS gp3 volume per node. @default 10 */
  readonly volumeGiB?: number;
  /** The search key: encrypts the domain's data and its log groups. */
  readonly kmsKeyArn: string;
  /** Account, partition and region, for ARNs built before the domain exists. */
  readonly aws: AwsContext;
  /** @default 14 */
  readonly logRetentionDays?: number;
}

export class SearchDomain extends Construct {
  readonly domainName: string;
  /** Endpoint host name, without scheme (what the indexer's OPENSEARCH_ENDPOINT takes). */
  readonly endpoint: string;
  private readonly arn: string;
  private readonly aws: AwsContext;
  private readonly domain: OpensearchDomain;
  private accessPolicy: OpensearchDomainPolicy | undefined;

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    const name = props.domainName;
    if (!/^[a-z][a-z0-9-]{2,27}$/.test(name)) {
      throw new Error(
        `${this.node.path}: domain name "${name}" must be 3..${MAX_DOMAIN_NAME_LENGTH} characters: lowercase letters, digits, hyphens, starting with a letter`,
      );
    }
    this.domainName = name;
    this.aws = props.aws;
    const { account, partition, region } = props.aws;

    const groups = LOG_TYPES.map(
      (type) =>
        [
          type,
          new LogGroup(this, `Logs-${type}`, {
            name: domainLogGroupName(name, type),
            retentionDays: props.logRetentionDays ?? 14,
            kmsKeyArn: props.kmsKeyArn,
          }),
        ] as const,
    );
    // OpenSearch checks at create time that it may write to the groups, so the domain
    // depends on this policy, which therefore cannot reference the domain: its ARN is
    // built from the name instead.
    const domainArn = `arn:${partition}:es:${region}:${account}:domain/${name}`;
    const logWrite = new CloudwatchLogResourcePolicy(this, 'LogWrite', {
      policyName: `streamlab-${name}-logs`,
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'OpenSearchWritesDomainLogs',
            Effect: 'Allow',
            Principal: { Service: 'es.amazonaws.com' },
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: groups.map(([, g]) => `${g.arn}:*`),
            Condition: {
              StringEquals: { 'aws:SourceAccount': account },
              ArnLike: { 'aws:SourceArn': domainArn },
            },
          },
        ],
      }),
    });

    const instanceType = props.instanceType ?? 't3.small.search';
    const domain = new OpensearchDomain(this, 'Domain', {
      domainName: name,
      engineVersion: ENGINE_VERSION,
      clusterConfig: {
        instanceType,
        instanceCount: 1,
        zoneAwarenessEnabled: false,
        dedicatedMasterEnabled: false,
      },
      ebsOptions: { ebsEnabled: true, volumeType: 'gp3', volumeSize: props.volumeGiB ?? 10 },
      encryptAtRest: { enabled: true, kmsKeyId: props.kmsKeyArn },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: TLS_POLICY },
      // T2/T3 nodes do not support Auto-Tune; saying so keeps plans free of drift.
      ...(/^t[23]\./.test(instanceType)
        ? { autoTuneOptions: { desiredState: 'DISABLED', rollbackOnDisable: 'NO_ROLLBACK' } }
        : {}),
      logPublishingOptions: groups.map(([type, g]) => ({
        logType: type,
        cloudwatchLogGroupArn: g.arn,
        enabled: true,
      })),
      dependsOn: [logWrite],
    });
    this.domain = domain;
    this.arn = domain.arn;
    this.endpoint = domain.endpoint;
  }

  /**
   * Lets a writer (the indexer) POST and PUT on this domain's paths, for bulk indexing.
   * The domain's access policy must name the writer too (setAccessPolicy).
   */
  grantBulkIndex(role: ServiceRole): void {
    role.addPolicy('IndexIntoDomain', [
      {
        sid: 'BulkIndexIntoOwnDomain',
        actions: ['es:ESHttpPost', 'es:ESHttpPut'],
        resources: [`${this.arn}/*`],
      },
    ]);
  }

  /**
   * The domain's access policy (one per domain, so one call): `writers` may POST/PUT
   * (bulk indexing), the account's own IAM identities may GET/HEAD (search, cluster
   * health) if their IAM policies also allow it — signed requests only, nothing anonymous.
   */
  setAccessPolicy(writers: readonly string[]): OpensearchDomainPolicy {
    if (this.accessPolicy) throw new Error(`${this.node.path}: the access policy is already set`);
    const { account, partition } = this.aws;
    const paths = `${this.arn}/*`;
    this.accessPolicy = new OpensearchDomainPolicy(this, 'Access', {
      domainName: this.domain.domainName,
      accessPolicies: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'IndexerWrites',
            Effect: 'Allow',
            Principal: { AWS: [...writers] },
            Action: ['es:ESHttpPost', 'es:ESHttpPut'],
            Resource: paths,
          },
          {
            // The operator (and students with console roles) query what was indexed;
            // "root" delegates to IAM: only identities whose own policy allows es:ESHttpGet.
            Sid: 'AccountReads',
            Effect: 'Allow',
            Principal: { AWS: `arn:${partition}:iam::${account}:root` },
            Action: ['es:ESHttpGet', 'es:ESHttpHead'],
            Resource: paths,
          },
        ],
      }),
    });
    return this.accessPolicy;
  }
}
