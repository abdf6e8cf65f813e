/** config `consumer`: the reader roles' principal, checked by path; no shared external id. */
import { parseConfig } from '../../../config';
import { problemsOf as configProblems } from '../../support/config-problems';

const base = { name: 'demo', region: 'us-east-1', operatorCidr: '203.0.113.7/32' };
const good = { readerPrincipal: 'arn:aws:iam::123456789012:role/databricks' };

const problemsOf = (consumer: unknown) => configProblems({ ...base, consumer });

describe('consumer config', () => {
  it('is absent by default', () => {
    expect(parseConfig(base).consumer).toBeUndefined();
  });

  it.each([
    '123456789012',
    'arn:aws:iam::123456789012:root',
    'arn:aws:iam::123456789012:role/databricks-cluster',
    'arn:aws:iam::123456789012:role/service-role/db_cred+1=a,b.c@d-e',
    'arn:aws-us-gov:iam::123456789012:role/x',
  ])('accepts the principal %s', (readerPrincipal) => {
    expect(parseConfig({ ...base, consumer: { ...good, readerPrincipal } }).consumer).toEqual({
      ...good,
      readerPrincipal,
    });
  });

  it.each([
    '*',
    '12345678901',
    'arn:aws:iam::123456789012:user/alice',
    'arn:aws:iam::123456789012:role/',
    'arn:aws:sts::123456789012:assumed-role/x/y',
  ])('rejects the principal %s, naming the path', (readerPrincipal) => {
    expect(problemsOf({ ...good, readerPrincipal })).toEqual([
      `consumer.readerPrincipal: ${JSON.stringify(readerPrincipal)} is not an IAM role ARN, account ARN ("arn:aws:iam::<12 digits>:root") or 12-digit account id`,
    ]);
  });

  // One id for the class let any student assume any other's reader role: each student's
  // is generated now (labs/local-state/reader-external-ids.ts), and the old key is refused.
  it('refuses a shared externalId, saying why, without printing it', () => {
    const problems = problemsOf({ ...good, externalId: 'class-shared-7f3a' });
    expect(problems).toEqual([
      'consumer.externalId: is no longer set in the config: streamlab gives each student their own generated external id (remove this key; docs/configuration.md)',
    ]);
  });

  it('requires the principal and takes no other key', () => {
    expect(problemsOf({})).toEqual(['consumer.readerPrincipal: is required']);
    expect(problemsOf({ ...good, role: 'x' })).toEqual([
      'consumer.role: unknown key; allowed here: readerPrincipal, externalId',
    ]);
  });
});
