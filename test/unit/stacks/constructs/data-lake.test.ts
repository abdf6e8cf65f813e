/** DataLake, alone in a bare stack: private by every control S3 has; readers and writers by grant. */
import { DataLake } from '../../../../stacks/constructs/data-lake';
import { ServiceRole } from '../../../../stacks/constructs/service-role';
import { bareStack, synthBare } from '../../../support/bare-stack';
import { inlinePolicies, resourcesOf } from '../../../support/lab-stack';

describe('DataLake', () => {
  it('locks the bucket down: public access block, SSE, owner-enforced, lifecycle, TLS only', () => {
    const { json } = synthBare(
      (s) => void new DataLake(s, 'DataLake', { namePrefix: 'bigdata-lab-lake-', expireDays: 7 }),
    );
    expect(resourcesOf(json, 'aws_s3_bucket')).toEqual([
      expect.objectContaining({ bucket_prefix: 'bigdata-lab-lake-' }),
    ]);
    expect(resourcesOf(json, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(
      resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration')[0],
    ).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
    expect(resourcesOf(json, 'aws_s3_bucket_ownership_controls')[0]).toMatchObject({
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
    expect(resourcesOf(json, 'aws_s3_bucket_lifecycle_configuration')[0]).toMatchObject({
      rule: [expect.objectContaining({ status: 'Enabled', expiration: [{ days: 7 }] })],
    });
    const tls = JSON.parse(resourcesOf(json, 'aws_s3_bucket_policy')[0]!.policy as string)
      .Statement[0];
    expect(tls).toMatchObject({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('adds kms:Decrypt on the lake key only when the lake uses one', () => {
    const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/lake';
    const readGrant = (kmsKeyArn?: string) => {
      const { json } = synthBare((s) => {
        const lake = new DataLake(s, 'Lake', { namePrefix: 'k-', ...(kmsKeyArn && { kmsKeyArn }) });
        const role = new ServiceRole(s, 'Reader', {
          service: 'lambda.amazonaws.com',
          name: 'r',
          region: 'us-east-1',
          description: 'r',
        });
        lake.grantReadUnder(role, 'Read', ['ana/']);
      });
      return inlinePolicies(json).Reader_Read!;
    };
    expect(readGrant(keyArn)).toEqual([
      expect.objectContaining({ Action: ['s3:GetObject'] }),
      { Sid: 'DecryptWithBucketKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [keyArn] },
    ]);
    expect(readGrant().map((s) => s.Sid)).toEqual(['ReadOwnPrefixes']);
  });

  it('refuses a second notification on the lake bucket (S3 keeps one per bucket)', () => {
    const lake = new DataLake(bareStack(), 'Lake', { namePrefix: 'g-' });
    const target = {
      functionArn: 'arn:aws:lambda:us-east-1:1:function:f',
      prefixes: ['a/'],
      dependsOn: [],
    };
    lake.notifyOnObjectCreated(target);
    expect(() => lake.notifyOnObjectCreated(target)).toThrow(/one configuration per bucket/);
  });

  it('refuses a name prefix that leaves Terraform no room for its suffix', () => {
    expect(() => new DataLake(bareStack(), 'Lake', { namePrefix: 'x'.repeat(38) })).toThrow(
      /is longer than 37 characters/,
    );
  });
});
