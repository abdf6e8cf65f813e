/**
 * `search.enabled`: the course's S3 → Lambda → OpenSearch leg. One domain and one indexer
 * per lab (a classroom shares them: one index, each document keeps its author), fired by
 * objects under every student's delivery prefix, with the module's own KMS key.
 */
import { Construct } from 'constructs';
import type { DataLake } from './data-lake';
import { IndexerAlarms } from './observability';
import { AwsContextLookup } from './search-context';
import {
  SearchDomain,
  domainLogGroupPrefix,
  searchDomainName,
  type SearchDomainProps,
} from './search-domain';
import { SearchIndexer, indexerLogGroupName, type SearchIndexerProps } from './search-indexer';
import { SearchKey } from './search-key';

export interface SearchProps
  extends Pick<SearchDomainProps, 'instanceType'>, Pick<SearchIndexerProps, 'reservedConcurrency'> {
  /**
   * The lab name: the domain is named from it (searchDomainName), the indexer
   * "<name>-indexer", the key alias and the alarms after it.
   */
  readonly name: string;
  /** AWS region of the lab. */
  readonly region: string;
  readonly lake: DataLake;
  /** Lake key prefixes Firehose delivers to (one per student, e.g. "ana/"). */
  readonly prefixes: readonly string[];
  /** The stack's account id lookup, shared. @default a lookup of its own */
  readonly accountId?: string;
}

export class Search extends Construct {
  /** Endpoint host name of the domain, without scheme. */
  readonly endpoint: string;
  /** The indexer, for the dashboard row and the outputs. */
  readonly indexer: SearchIndexer;

  constructor(scope: Construct, id: string, props: SearchProps) {
    super(scope, id);
    const { name } = props;
    const aws = new AwsContextLookup(this, 'Aws', {
      region: props.region,
      account: props.accountId,
    });
    const domainName = searchDomainName(name);
    const indexerName = `${name}-indexer`;
    const key = new SearchKey(this, 'Key', {
      name,
      aws,
      logGroupPatterns: [indexerLogGroupName(indexerName), `${domainLogGroupPrefix(domainName)}*`],
    });
    const domain = new SearchDomain(this, 'Domain', {
      domainName,
      instanceType: props.instanceType,
      kmsKeyArn: key.arn,
      aws,
    });
    this.endpoint = domain.endpoint;
    this.indexer = new SearchIndexer(this, 'Indexer', {
      name: indexerName,
      lake: props.lake,
      prefixes: props.prefixes,
      domain,
      kmsKeyArn: key.arn,
      aws,
      reservedConcurrency: props.reservedConcurrency,
    });
    const access = domain.setAccessPolicy([this.indexer.roleArn]);
    // Objects landing before the policy exists would be refused (403) and dead-lettered.
    this.indexer.fireOnNewObjects([access]);
    new IndexerAlarms(this, 'Alarms', {
      name,
      functionName: this.indexer.functionName,
      deadLetterQueueName: this.indexer.deadLetterQueueName,
    });
  }
}
