/**
 * The applied record's "provisioned" marks: a host is marked once a playbook run finished
 * on it without a failure, so after a run that stopped part-way (Ctrl-C, a failed task)
 * `status` names exactly the hosts still to provision.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  markProvisioned,
  unprovisionedHosts,
  writeAppliedLab,
} from '../../../../labs/hosts/applied-lab';
import { emptyRecap } from '../../../../provisioning/engine/recap';
import type { HostRecord } from '../../../../stacks/outputs';

const host = (name: string): HostRecord => ({
  host: name,
  instanceId: `i-${name}`,
  publicDns: `${name}.example.test`,
  publicIp: '198.51.100.9',
  streamName: `class-${name}`,
  streamArn: `arn:aws:kinesis:us-east-1:1:stream/class-${name}`,
});

describe('applied record: which hosts are provisioned', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-applied-'));
  const file = join(dir, 'applied.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(() => {
    writeAppliedLab(file, {
      region: 'us-east-1',
      bucket: 'class-lake-1',
      hosts: [host('s1'), host('s2'), host('s3')],
    });
  });

  it('right after the apply, no host is', () => {
    expect(unprovisionedHosts(file)).toEqual(['s1', 's2', 's3']);
  });

  it('a run marks the hosts it finished on; an interrupted or failed host and one it skipped stay unmarked', () => {
    markProvisioned(file, {
      s1: { ...emptyRecap(), ok: 9, changed: 3 },
      s2: { ...emptyRecap(), ok: 4, failed: 1 },
    });
    expect(unprovisionedHosts(file)).toEqual(['s2', 's3']);
    markProvisioned(file, {
      s2: { ...emptyRecap(), ok: 10 },
      s3: { ...emptyRecap(), unreachable: 1 },
    });
    expect(unprovisionedHosts(file)).toEqual(['s3']);
  });

  it('no record (a lab from before the record, an --inventory of elsewhere): nothing to name', () => {
    expect(unprovisionedHosts(join(dir, 'none.json'))).toEqual([]);
    expect(() => markProvisioned(join(dir, 'none.json'), {})).not.toThrow();
  });
});
