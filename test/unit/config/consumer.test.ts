/** config `consumer`: the reader roles' principal and external id, checked by path. */
import { parseConfig } from '../../../config';
import { problemsOf as configProblems } from '../../support/config-problems';

const base = { name: 'demo', region: 'us-east-1', operatorCidr: '203.0.113.7/32' };
const good = {
  readerPrincipal: 'arn:aws:iam::123456789012:role/databricks',
  externalId: 'demo-ext-1',
};

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

  it.each(['ab', 'a'.repeat(1224), 'x_y+z=1,2.3@4:5/6-7'])(
    'accepts an external id of AWS shape',
    (externalId) => {
      expect(parseConfig({ ...base, consumer: { ...good, externalId } }).consumer!.externalId).toBe(
        externalId,
      );
    },
  );

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

  it.each([
    ['Q', 'consumer.externalId: is shorter than 2 characters (AWS requires 2..1224)'],
    ['a'.repeat(1225), 'consumer.externalId: is longer than 1224 characters (AWS allows 2..1224)'],
    [
      'has space',
      'consumer.externalId: may only hold letters, digits and the characters _+=,.@:/- (value not shown)',
    ],
    ['ñandú-id', 'consumer.externalId: may only hold letters, digits'],
  ])('rejects the external id without printing it', (externalId, message) => {
    const problems = problemsOf({ ...good, externalId });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
    expect(problems.join('\n')).not.toContain(externalId);
  });

  it('requires both keys and no others', () => {
    expect(problemsOf({ readerPrincipal: good.readerPrincipal })).toEqual([
      'consumer.externalId: is required',
    ]);
    expect(problemsOf({ ...good, role: 'x' })).toEqual([
      'consumer.role: unknown key; allowed here: readerPrincipal, externalId',
    ]);
  });
});
