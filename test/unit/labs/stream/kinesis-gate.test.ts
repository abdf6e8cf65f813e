/** The Kinesis gate's decisions: which requests go on to the emulator, and on which stream. */
type GateRequest = { method: string; headers: Record<string, string> };
const { judgeOwnStreamCall } = require('../../../../labs/stream/kinesis-gate') as {
  judgeOwnStreamCall(
    req: GateRequest,
    body: Buffer,
    stream: string,
  ): { body?: Buffer; refuse?: string };
};

describe("judgeOwnStreamCall (a host's own stream only)", () => {
  const OWN = 'lab-ana';
  const call = (action: string, body: unknown, headers: Record<string, string> = {}) =>
    judgeOwnStreamCall(
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `Kinesis_20131202.${action}`,
          ...headers,
        },
      },
      Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
      OWN,
    );
  const refusal = (verdict: ReturnType<typeof call>) => verdict.refuse;
  const records = [{ Data: 'aGk=', PartitionKey: 'k' }];

  it("passes the producer's calls on its own stream, re-serialised from what was judged", () => {
    // What boto3 sends for ShardMap.discover and KinesisSink.put_batch.
    const list = call('ListShards', { StreamName: OWN });
    expect(refusal(list)).toBeUndefined();
    expect(JSON.parse(list.body!.toString())).toEqual({ StreamName: OWN });
    expect(refusal(call('PutRecords', { StreamName: OWN, Records: records }))).toBeUndefined();
    expect(
      refusal(call('PutRecord', { StreamName: OWN, Data: 'aGk=', PartitionKey: 'k' })),
    ).toBeUndefined();
    expect(refusal(call('DescribeStreamSummary', { StreamName: OWN }))).toBeUndefined();
    expect(refusal(call('DescribeStream', { StreamName: OWN, Limit: 10 }))).toBeUndefined();
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${OWN}`;
    expect(refusal(call('PutRecords', { StreamARN: arn, Records: records }))).toBeUndefined();
    // A duplicated key: the emulator gets the value the gate judged (the last), and only it.
    const dup = call('PutRecords', `{"StreamName":"lab-bruno","StreamName":"${OWN}","Records":[]}`);
    expect(dup.body!.toString()).toBe(`{"StreamName":"${OWN}","Records":[]}`);
  });

  it("refuses a classmate's stream, by name, by ARN, or in another case", () => {
    expect(refusal(call('PutRecords', { StreamName: 'lab-bruno', Records: records }))).toBe(
      'StreamName "lab-bruno" is not this host\'s stream "lab-ana"',
    );
    expect(refusal(call('PutRecords', { StreamName: 'LAB-ANA', Records: records }))).toMatch(
      /^StreamName "LAB-ANA" is not/,
    );
    expect(refusal(call('ListShards', { StreamName: `${OWN} ` }))).toMatch(/is not this host/);
    expect(
      refusal(
        call('PutRecords', {
          StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/lab-bruno',
          Records: records,
        }),
      ),
    ).toMatch(/^StreamARN ".*stream\/lab-bruno" is not this host's stream/);
    // Its own name beside another's ARN, and an ARN that only ends in its name.
    expect(
      refusal(
        call('PutRecords', {
          StreamName: OWN,
          StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/lab-bruno',
          Records: records,
        }),
      ),
    ).toMatch(/^StreamARN/);
    expect(
      refusal(call('ListShards', { StreamARN: `arn:aws:kinesis:x:1:stream/a/${OWN}` })),
    ).toMatch(/^StreamARN/);
    expect(refusal(call('ListShards', { StreamName: 42 }))).toMatch(/^StreamName 42 is not/);
    // No stream named at all (ListShards by NextToken: the token names no stream to check).
    expect(refusal(call('ListShards', { NextToken: 'x' }))).toBe(
      'field "NextToken" is not accepted in ListShards',
    );
    expect(refusal(call('PutRecords', { Records: records }))).toBe(
      'PutRecords must name the stream (StreamName)',
    );
  });

  it('refuses every call but the producer’s, on any stream', () => {
    for (const action of [
      'DeleteStream',
      'CreateStream',
      'GetRecords',
      'GetShardIterator',
      'ListStreams',
      'SplitShard',
      'MergeShards',
      'DecreaseStreamRetentionPeriod',
      'AddTagsToStream',
      'hasOwnProperty',
      'constructor',
    ])
      expect(refusal(call(action, { StreamName: OWN }))).toBe(
        `${action} is not allowed: a host may put records to its own stream only`,
      );
    expect(refusal(call('PutRecords', { StreamName: OWN }, { 'x-amz-target': 'Other.X' }))).toBe(
      'X-Amz-Target does not name a Kinesis call',
    );
    expect(refusal(judgeOwnStreamCall({ method: 'GET', headers: {} }, Buffer.alloc(0), OWN))).toBe(
      'GET is not a Kinesis call',
    );
  });

  it('refuses hostile bodies: malformed JSON, not an object, unknown fields, CBOR, compressed', () => {
    expect(refusal(call('PutRecords', '{"StreamName": "lab-ana"'))).toBe('the body is not JSON');
    expect(refusal(call('PutRecords', ''))).toBe('the body is not JSON');
    expect(refusal(call('PutRecords', '[]'))).toBe('the body is not a JSON object');
    expect(refusal(call('PutRecords', 'null'))).toBe('the body is not a JSON object');
    expect(refusal(call('PutRecords', '"lab-ana"'))).toBe('the body is not a JSON object');
    // Another spelling of a field the emulator might read, or one the gate does not judge.
    expect(
      refusal(call('PutRecords', { StreamName: OWN, streamName: 'lab-bruno', Records: [] })),
    ).toBe('field "streamName" is not accepted in PutRecords');
    // JSON.parse makes "__proto__" an own key: refused like any other unknown one.
    expect(
      refusal(
        call('PutRecords', `{"StreamName":"${OWN}","__proto__":{"StreamName":"x"},"Records":[]}`),
      ),
    ).toBe('field "__proto__" is not accepted in PutRecords');
    expect(
      refusal(
        call('PutRecords', { StreamName: OWN }, { 'content-type': 'application/x-amz-cbor-1.1' }),
      ),
    ).toBe('the CBOR protocol is not accepted: send JSON (application/x-amz-json-1.1)');
    expect(
      refusal(call('PutRecords', { StreamName: OWN }, { 'content-type': 'application/json' })),
    ).toBe('content-type "application/json" is not application/x-amz-json-1.1');
    expect(refusal(call('PutRecords', { StreamName: OWN }, { 'content-encoding': 'gzip' }))).toBe(
      'content-encoding gzip is not accepted',
    );
  });
});
