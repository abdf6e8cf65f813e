/** The Kinesis gate's one decision: which requests go on to the emulator. */
const { isKinesisCall } = require('../../../../labs/rehearsal/kinesis-gate') as {
  isKinesisCall(req: { method: string; url: string; headers: Record<string, string> }): boolean;
};

const post = (url: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  url,
  headers,
});

describe('isKinesisCall', () => {
  it('passes Kinesis calls in the JSON protocol (X-Amz-Target) and the CBOR one (path)', () => {
    expect(isKinesisCall(post('/', { 'x-amz-target': 'Kinesis_20131202.PutRecords' }))).toBe(true);
    expect(isKinesisCall(post('/service/Kinesis_20131202/operation/GetRecords'))).toBe(true);
  });

  it("refuses every other service's call, and anything not a POST", () => {
    // IAM and EC2 (query protocol: the action is in the body), S3 (REST), moto's own API.
    expect(isKinesisCall(post('/'))).toBe(false);
    expect(isKinesisCall(post('/some-bucket/key'))).toBe(false);
    expect(isKinesisCall(post('/moto-api/reset'))).toBe(false);
    expect(isKinesisCall(post('/', { 'x-amz-target': 'Firehose_20150804.PutRecord' }))).toBe(false);
    expect(isKinesisCall(post('/', { 'x-amz-target': 'Kinesis_20131202.Put Records' }))).toBe(
      false,
    );
    // A Kinesis target on a path of another service is still judged by its target.
    expect(
      isKinesisCall(
        post('/service/Kinesis_20131202/operation/GetRecords', { 'x-amz-target': 'x' }),
      ),
    ).toBe(false);
    expect(
      isKinesisCall({
        method: 'GET',
        url: '/moto-api/data.json',
        headers: { 'x-amz-target': 'Kinesis_20131202.ListStreams' },
      }),
    ).toBe(false);
  });
});
