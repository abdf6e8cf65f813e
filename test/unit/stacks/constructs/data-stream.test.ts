/** DataStream, alone in a bare stack: always encrypted, reachable only through its grants. */
import { DataStream } from '../../../../stacks/constructs/data-stream';
import { ServiceRole } from '../../../../stacks/constructs/service-role';
import { bareStack, synthBare } from '../../../support/bare-stack';
import { inlinePolicies, resourcesOf } from '../../../support/lab-stack';

describe('DataStream', () => {
  it('is KMS-encrypted with the AWS-managed key by default', () => {
    const { json } = synthBare(
      (s) => void new DataStream(s, 'Stream', { name: 'bigdata-lab-ana' }),
    );
    expect(resourcesOf(json, 'aws_kinesis_stream')).toEqual([
      expect.objectContaining({
        encryption_type: 'KMS',
        kms_key_id: 'alias/aws/kinesis',
        shard_count: 1,
        retention_period: 24,
      }),
    ]);
  });

  it('adds KMS permissions to its grants when the stream uses a customer-managed key', () => {
    const { json } = synthBare((scope) => {
      const key = 'arn:aws:kms:us-east-1:123456789012:key/abc';
      const stream = new DataStream(scope, 'S', { name: 's', kmsKeyArn: key });
      stream.grantWrite(
        new ServiceRole(scope, 'Writer', {
          service: 'ec2.amazonaws.com',
          name: 'w',
          region: 'us-east-1',
          description: 'w',
        }),
      );
      stream.grantRead(
        new ServiceRole(scope, 'Reader', {
          service: 'firehose.amazonaws.com',
          name: 'r',
          region: 'us-east-1',
          description: 'r',
        }),
      );
    });
    const p = inlinePolicies(json);
    expect(p.Writer_WriteS![1]).toMatchObject({
      Action: ['kms:GenerateDataKey'],
      Resource: ['arn:aws:kms:us-east-1:123456789012:key/abc'],
    });
    expect(p.Reader_ReadS![1]).toMatchObject({ Action: ['kms:Decrypt'] });
  });

  it('rejects shards on an on-demand stream', () => {
    expect(
      () => new DataStream(bareStack(), 'S', { name: 's', mode: 'on-demand', shards: 2 }),
    ).toThrow(/shards cannot be set/);
  });
});
