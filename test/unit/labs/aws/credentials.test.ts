/** Credential checks and leftover detection against aws-sdk-client-mock (AWS is mocked). */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { checkCredentials, explainAwsError } from '../../../../labs/aws/credentials';
import { leftoverInstances } from '../../../../labs/aws/leftovers';

describe('AWS credential check (mocked STS)', () => {
  const sts = mockClient(STSClient);
  beforeEach(() => sts.reset());

  it('returns the caller identity', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/prof' });
    await expect(
      checkCredentials('us-east-1', new STSClient({ region: 'us-east-1' })),
    ).resolves.toEqual({
      account: '123456789012',
      arn: 'arn:aws:iam::123456789012:user/prof',
    });
  });

  it.each([
    [
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
      /no AWS credentials found: run `aws configure`/,
    ],
    [
      Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredToken',
      }),
      /have expired/,
    ],
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND sts.us-east-9.amazonaws.com'), {
        code: 'ENOTFOUND',
      }),
      /cannot reach AWS in region "us-east-9"/,
    ],
    [
      Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'InvalidClientTokenId',
      }),
      /rejected the credentials/,
    ],
  ])('explains %s', async (error, expected) => {
    sts.on(GetCallerIdentityCommand).rejects(error);
    await expect(
      checkCredentials('us-east-9', new STSClient({ region: 'us-east-9' })),
    ).rejects.toThrow(expected);
  });

  it('passes unknown errors through with their message', () => {
    expect(explainAwsError(new Error('Throttling: slow down'), 'us-east-1')).toBe(
      'AWS said: Throttling: slow down',
    );
  });
});

describe('leftover instances after destroy (mocked EC2)', () => {
  const ec2 = mockClient(EC2Client);
  it('filters on the lab tags and follows pagination', async () => {
    ec2.reset();
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }], NextToken: 't' })
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-2' }] }] });
    expect(await leftoverInstances(new EC2Client({ region: 'us-east-1' }), 'class-a')).toEqual([
      'i-1',
      'i-2',
    ]);
    const filters = ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters!;
    expect(filters).toContainEqual({ Name: 'tag:lab', Values: ['class-a'] });
    expect(filters.find((f) => f.Name === 'instance-state-name')!.Values).not.toContain(
      'terminated',
    );
  });
});
