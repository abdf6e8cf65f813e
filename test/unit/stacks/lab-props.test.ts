/**
 * labProps: the one place the config is read for the stack. Each config field lands in
 * the props of the construct that uses it; nothing is synthesized here (the constructs'
 * own tests take those props from there, lab-stack.test.ts the whole lab).
 */
import { resolve } from 'node:path';
import { labProps, studentId } from '../../../stacks/lab-props';
import { labConfig, TEST_PUBLIC_KEY } from '../../support/lab-stack';

describe('labProps', () => {
  it('gives each student, in config order, its id, names, subnet and the config it needs', () => {
    const config = labConfig({
      students: ['ana', 'bruno'],
      instanceType: 't4g.small',
      ubuntu: '22.04',
      stream: { shards: 2, retentionHours: 48 },
      delivery: { bufferSeconds: 120, bufferMiB: 8, compression: 'Snappy' },
    });
    const p = labProps(config, { publicKeys: { ana: TEST_PUBLIC_KEY } });
    expect(
      p.students.map((s) => [s.id, s.props.student, s.props.name, s.props.subnetIndex]),
    ).toEqual([
      ['Student-ana', 'ana', 'bigdata-lab-ana', 0],
      ['Student-bruno', 'bruno', 'bigdata-lab-bruno', 1],
    ]);
    expect(p.students[0]!.props).toMatchObject({
      region: 'us-east-1',
      stream: { mode: 'provisioned', shards: 2, retentionHours: 48 },
      host: {
        operatorCidr: '203.0.113.7/32',
        instanceType: 't4g.small',
        ubuntu: '22.04',
        publicKey: TEST_PUBLIC_KEY,
      },
      delivery: { bufferSeconds: 120, bufferMiB: 8, compression: 'Snappy' },
    });
    // Without a given key, the host reads <keysDir>/<lab>/<host>.pub.
    expect(p.students[1]!.props.host).toEqual(
      expect.objectContaining({
        publicKeyPath: resolve('.streamlab/keys/bigdata-lab/bruno.pub'),
      }),
    );
    expect(p.students[1]!.props.host).not.toHaveProperty('publicKey');
    expect(studentId('ana')).toBe('Student-ana');
  });

  it('gives a reader to every student with consumer, to none without', () => {
    const consumer = { readerPrincipal: '123456789012' };
    const withReader = labProps(labConfig({ students: ['ana', 'bo'], consumer }));
    // The external ids are per student and come from the stack's variable, not the config.
    expect(withReader.students.map((s) => s.props.reader)).toEqual([
      { principal: '123456789012' },
      { principal: '123456789012' },
    ]);
    expect(labProps(labConfig()).students[0]!.props).not.toHaveProperty('reader');
  });

  it('maps the lake, the network and the dashboard from the lab name and region', () => {
    const p = labProps(labConfig({ delivery: { expireDays: 7 } }));
    expect(p.lake).toEqual({ namePrefix: 'bigdata-lab-lake-', expireDays: 7 });
    expect(p.network).toEqual({
      name: 'bigdata-lab',
      region: 'us-east-1',
      instanceType: 't3.micro',
    });
    expect(p.dashboard).toEqual({ name: 'bigdata-lab', region: 'us-east-1' });
  });

  it('adds the search module only with search.enabled, with its instance type and reservation', () => {
    expect(labProps(labConfig()).search).toBeUndefined();
    const on = labProps(labConfig({ search: { enabled: true, reservedConcurrency: 2 } }));
    expect(on.search).toEqual({
      name: 'bigdata-lab',
      region: 'us-east-1',
      instanceType: 't3.small.search',
      reservedConcurrency: 2,
    });
  });

  it('waives CKV_AWS_24 per host, visibly, only for allowOpenSsh with 0.0.0.0/0', () => {
    const open = labConfig({
      students: ['ana', 'bo'],
      operatorCidr: '0.0.0.0/0',
      allowOpenSsh: true,
    });
    expect(labProps(open).waivers).toEqual(
      ['ana', 'bo'].map((h) => ({
        rule: 'CKV_AWS_24',
        resource: `bigdata-lab/Student-${h}/Host/SshFromOperator`,
        reason: 'allowOpenSsh: true in the config (SSH open to 0.0.0.0/0)',
        automatic: true,
      })),
    );
    expect(labProps(labConfig({ allowOpenSsh: true })).waivers).toEqual([]);
  });

  it('keeps state in S3 with config.backend, else in the given local file', () => {
    expect(labProps(labConfig({ backend: { bucket: 'acme-tfstate' } })).backend).toEqual({
      s3: expect.objectContaining({ bucket: 'acme-tfstate', encrypt: true, useLockfile: true }),
    });
    expect(labProps(labConfig(), { statePath: 'x.tfstate' }).backend).toEqual({
      localPath: 'x.tfstate',
    });
    expect(labProps(labConfig()).backend).toBeUndefined();
  });
});
