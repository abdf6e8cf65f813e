/** The CLI's AWS client settings: the SDK's endpoint variables and plain-HTTP emulators. */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsClientConfig, endpointFromEnv } from '../../../../labs/aws-sdk/clients';
import { kinesisClient } from '../../../../labs/stream/client';

describe('AWS endpoint variables', () => {
  it('takes AWS_ENDPOINT_URL_<SERVICE> before AWS_ENDPOINT_URL', () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:2',
    };
    expect(endpointFromEnv('Kinesis', env)).toBe('http://127.0.0.1:2');
    expect(endpointFromEnv('EC2', env)).toBe('http://127.0.0.1:1');
    expect(endpointFromEnv('CloudWatch', { AWS_ENDPOINT_URL_CLOUDWATCH: 'http://x:3' })).toBe(
      'http://x:3',
    );
    expect(endpointFromEnv('STS', {})).toBeUndefined();
    expect(
      endpointFromEnv('Kinesis', { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
    ).toBeUndefined();
  });

  it('an explicit endpoint wins over the environment', () => {
    const c = awsClientConfig('Kinesis', 'us-east-1', 'http://127.0.0.1:9', {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
    });
    expect(c.endpoint).toBe('http://127.0.0.1:9');
  });

  it('a plain-HTTP endpoint gets an HTTP/1.1 handler, and dummy credentials only without real ones', () => {
    const local = awsClientConfig('Kinesis', 'us-east-1', undefined, {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4567',
    });
    expect(local.requestHandler).toBeInstanceOf(NodeHttpHandler);
    expect(local.credentials).toEqual({ accessKeyId: 'local', secretAccessKey: 'local' });
    const withKeys = awsClientConfig('Kinesis', 'us-east-1', 'http://127.0.0.1:4567', {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    });
    expect(withKeys.credentials).toBeUndefined();
    const tls = awsClientConfig('Kinesis', 'us-east-1', undefined, {
      AWS_ENDPOINT_URL: 'https://kinesis.example',
    });
    expect(tls).toEqual({ region: 'us-east-1', endpoint: 'https://kinesis.example' });
    expect(awsClientConfig('EC2', 'eu-west-1', undefined, {})).toEqual({ region: 'eu-west-1' });
  });

  it('the Kinesis client resolves the variable it was built from', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_KINESIS;
    process.env.AWS_ENDPOINT_URL_KINESIS = 'http://127.0.0.1:4999';
    try {
      const client = kinesisClient({ region: 'us-east-1' });
      const ep = await client.config.endpoint!();
      expect(`${ep.protocol}//${ep.hostname}:${ep.port}`).toBe('http://127.0.0.1:4999');
      client.destroy();
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_KINESIS;
      else process.env.AWS_ENDPOINT_URL_KINESIS = saved;
    }
  });
});
