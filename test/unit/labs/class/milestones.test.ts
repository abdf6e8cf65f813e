/**
 * Each milestone's verdict and the reason an instructor reads, from what was measured.
 */
import {
  documentsIndexed,
  formatAge,
  hostReachable,
  lakeObject,
  producerActive,
  readerRole,
  recordsFlowing,
} from '../../../../labs/class/milestones';
import { trustProblem } from '../../../../labs/class/aws-probes';

const SERVICE = 'streamlab-producer';

describe('host reachable', () => {
  it('passes when SSH with the pinned key worked', () => {
    expect(hostReachable({ reachable: true })).toEqual({
      id: 'host-reachable',
      label: 'host reachable',
      pass: true,
      reason: 'SSH with the pinned host key works',
    });
  });

  it("fails with the connection's own error", () => {
    const m = hostReachable({ reachable: false, error: 'host key mismatch for 10.0.0.2' });
    expect(m.pass).toBe(false);
    expect(m.reason).toBe('SSH with the pinned host key failed: host key mismatch for 10.0.0.2');
  });
});

describe('producer active', () => {
  it('passes on active', () => {
    const m = producerActive({ reachable: true, producer: 'active' }, SERVICE);
    expect([m.pass, m.reason]).toEqual([true, 'streamlab-producer is active']);
  });

  it.each([
    ['inactive', 'streamlab-producer is inactive'],
    ['failed', 'streamlab-producer is failed'],
  ] as const)('fails on %s, saying so', (producer, reason) => {
    const m = producerActive({ reachable: true, producer }, SERVICE);
    expect([m.pass, m.reason]).toEqual([false, reason]);
  });

  it('fails on an unknown state, quoting what systemctl said', () => {
    const m = producerActive(
      { reachable: true, producer: 'unknown', error: 'systemctl is-active: activating' },
      SERVICE,
    );
    expect(m.pass).toBe(false);
    expect(m.reason).toBe(
      "streamlab-producer's state is unknown (systemctl is-active: activating)",
    );
  });

  it('is not checked on an unreachable host, and says so', () => {
    const m = producerActive({ reachable: false, producer: 'unknown' }, SERVICE);
    expect([m.pass, m.reason]).toEqual([false, 'not checked: the host is unreachable']);
  });
});

describe('records flowing', () => {
  it('passes with records in the last minute, giving the count and the newest age', () => {
    const m = recordsFlowing('lab-ana', { count: 598, newestAgeSeconds: 0.4 });
    expect(m.pass).toBe(true);
    expect(m.label).toBe('records in the last 60 s');
    expect(m.reason).toBe('598 record(s) in lab-ana in the last 60 s, newest 0 s ago');
  });

  it('fails with none in the last minute', () => {
    const m = recordsFlowing('lab-ana', { count: 0, newestAgeSeconds: null });
    expect([m.pass, m.reason]).toEqual([false, 'no record in lab-ana in the last 60 s']);
  });

  it('fails when the stream cannot be read, with the error', () => {
    const m = recordsFlowing('lab-ana', { error: 'Stream lab-ana not found' });
    expect([m.pass, m.reason]).toEqual([false, 'cannot read lab-ana: Stream lab-ana not found']);
  });
});

describe('object in the lake', () => {
  it('passes with the newest object and its age', () => {
    const m = lakeObject('lake-1', 'students/ana/', {
      newest: { key: 'students/ana/year=2026/x.gz', ageSeconds: 300 },
    });
    expect([m.pass, m.reason]).toEqual([
      true,
      'newest object students/ana/year=2026/x.gz, 5 min old',
    ]);
  });

  it('fails with none yet, naming where it looked and why it may be early', () => {
    const m = lakeObject('lake-1', 'students/ana/', { newest: null });
    expect(m.pass).toBe(false);
    expect(m.reason).toBe(
      'no object under s3://lake-1/students/ana/ yet (Firehose delivers after its buffer interval)',
    );
  });

  it('fails when listing fails', () => {
    const m = lakeObject('lake-1', 'students/ana/', { error: 'Access Denied' });
    expect([m.pass, m.reason]).toEqual([
      false,
      'cannot list s3://lake-1/students/ana/: Access Denied',
    ]);
  });
});

describe('documents indexed', () => {
  it('passes with documents, fails without or on an error', () => {
    expect(documentsIndexed('posts', { count: 12 })).toMatchObject({
      pass: true,
      reason: '12 document(s) in posts',
    });
    expect(documentsIndexed('posts', { count: 0 })).toMatchObject({
      pass: false,
      reason: 'no document in posts yet',
    });
    expect(documentsIndexed('posts', { error: 'timeout' })).toMatchObject({
      pass: false,
      reason: 'cannot count in posts: timeout',
    });
  });
});

describe('reader role', () => {
  const ARN = 'arn:aws:iam::123456789012:role/lab-ana-reader-eu-west-1';
  const consumer = {
    principal: 'arn:aws:iam::210987654321:role/databricks',
    externalId: 'course-2026',
  };
  const trust = (statement: object) => ({ Version: '2012-10-17', Statement: [statement] });
  const allow = {
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Principal: { AWS: consumer.principal },
    Condition: { StringEquals: { 'sts:ExternalId': 'course-2026' } },
  };

  it('passes when the trust policy lets the principal in with the external id', () => {
    expect(trustProblem(trust(allow), consumer)).toEqual({});
    expect(readerRole(ARN, {})).toMatchObject({
      pass: true,
      reason: `${ARN} trusts the consumer's principal with the student's own external id`,
    });
  });

  it('accepts an account id stored by IAM as its root ARN', () => {
    expect(
      trustProblem(trust({ ...allow, Principal: { AWS: 'arn:aws:iam::210987654321:root' } }), {
        ...consumer,
        principal: '210987654321',
      }),
    ).toEqual({});
  });

  it('fails for another principal, or without the external id condition', () => {
    expect(
      trustProblem(trust({ ...allow, Principal: { AWS: 'arn:aws:iam::1:role/other' } }), consumer),
    ).toEqual({ problem: `its trust policy does not allow ${consumer.principal} to assume it` });
    const { Condition: _, ...noCondition } = allow;
    expect(trustProblem(trust(noCondition), consumer)).toEqual({
      problem: "its trust policy does not require the student's own sts:ExternalId",
    });
    expect(trustProblem(trust({ ...allow, Effect: 'Deny' }), consumer)).toHaveProperty('problem');
    expect(readerRole(ARN, { problem: 'its trust policy does not allow x' })).toMatchObject({
      pass: false,
      reason: `${ARN}: its trust policy does not allow x`,
    });
  });

  it('fails without a role in the outputs, saying how to get one', () => {
    expect(readerRole(undefined, {})).toMatchObject({
      pass: false,
      reason:
        'the stack has no reader role for this student (run `streamlab up` with config consumer set)',
    });
  });

  it('fails when IAM cannot be read', () => {
    expect(readerRole(ARN, { error: 'NoSuchEntity' })).toMatchObject({
      pass: false,
      reason: `cannot read ${ARN}: NoSuchEntity`,
    });
  });
});

describe('formatAge', () => {
  it.each([
    [0.4, '0 s'],
    [119, '119 s'],
    [120, '2 min'],
    [7199, '120 min'],
    [7200, '2 h'],
  ])('%p s is %p', (s, text) => expect(formatAge(s)).toBe(text));
});
