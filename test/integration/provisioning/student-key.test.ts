/**
 * Students' own keys (config `students[].publicKey`) against real test hosts (Debian +
 * OpenSSH's sshd in a network namespace): after `provision`, Ana's key logs into Ana's
 * host and is refused on Bruno's; the operator's key still opens both; a changed key
 * replaces the old one, and a key taken out of the config is removed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type LabConfig } from '../../../config';
import type { InventoryHost } from '../../../provisioning/inventory';
import { provision } from '../../../provisioning/provision';
import { runSync } from '../../../process/run';
import { readState } from '../../../testhost/state';
import { describeAsRoot } from '../../support/root';
import { ownRunDir } from '../../support/run-dir';
import { knownHostsFile, ssh } from '../testhost/ssh-client';

const here = { runDir: ownRunDir('student-key-test') };
const testhost = require('../../../testhost/api') as typeof import('../../../testhost/api');

jest.setTimeout(600_000);

describeAsRoot("students' own keys (real test hosts, real sshd)", () => {
  const work = mkdtempSync(join(tmpdir(), 'streamlab-student-key-'));
  const keygen = (name: string) => {
    runSync(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(work, name)]);
    return {
      privateKeyPath: join(work, name),
      pub: readFileSync(join(work, `${name}.pub`), 'utf8'),
    };
  };
  const anaKey = keygen('ana');
  const anaNewKey = keygen('ana-new');
  let ana: InventoryHost;
  let bruno: InventoryHost;
  const known: Record<string, string> = {};

  const configWith = (anaPublicKey?: string): LabConfig =>
    parseConfig({
      name: 'keys',
      region: 'us-east-1',
      operatorCidr: '203.0.113.7/32',
      students: [
        anaPublicKey ? { name: 'key-ana', publicKey: anaPublicKey } : 'key-ana',
        'key-bruno',
      ],
      // The student-key step runs whatever the roles; the lab's producer is not needed here.
      hosts: { roles: ['tasks'] },
    });
  const provisioned = async (config: LabConfig) => {
    const r = await provision({
      hosts: [ana, bruno],
      config,
      run: { connect: { deadlineMs: 30_000, authGraceMs: 3_000 } },
    });
    expect(Object.values(r.recap).map((h) => h.failed)).toEqual([0, 0]);
  };
  /** `whoami` on the host with the given private key, through the real ssh client. */
  const loginWith = (host: InventoryHost, privateKeyPath: string) =>
    ssh({ ...host, privateKeyPath }, known[host.name]!, 'whoami');

  beforeAll(async () => {
    const [a, b] = await Promise.all([
      testhost.hostUp('key-ana', here),
      testhost.hostUp('key-bruno', here),
    ]);
    ana = testhost.inventoryEntry(a);
    bruno = testhost.inventoryEntry(b);
    for (const h of [a, b])
      known[h.name] = knownHostsFile(h.address, readState(here.runDir, h.name)!.hostPublicKey);
  });
  afterAll(async () => {
    await Promise.all([testhost.hostDown('key-ana', here), testhost.hostDown('key-bruno', here)]);
    rmSync(work, { recursive: true, force: true });
  });

  it("Ana's key opens her host only; the operator's keys still open both", async () => {
    // Before provisioning her key opens nothing (so the check below can fail).
    expect(loginWith(ana, anaKey.privateKeyPath).code).toBe(255);
    await provisioned(configWith(anaKey.pub));
    const own = loginWith(ana, anaKey.privateKeyPath);
    expect({ code: own.code, out: own.stdout.trim() }).toEqual({ code: 0, out: 'ubuntu' });
    const other = loginWith(bruno, anaKey.privateKeyPath);
    expect(other.code).toBe(255);
    expect(other.stderr).toMatch(/Permission denied \(publickey\)/);
    expect(loginWith(ana, ana.privateKeyPath).code).toBe(0);
    expect(loginWith(bruno, bruno.privateKeyPath).code).toBe(0);
  });

  it('a changed key replaces the old one; a key taken out of the config is removed', async () => {
    await provisioned(configWith(anaNewKey.pub));
    expect(loginWith(ana, anaNewKey.privateKeyPath).code).toBe(0);
    expect(loginWith(ana, anaKey.privateKeyPath).code).toBe(255);
    await provisioned(configWith());
    expect(loginWith(ana, anaNewKey.privateKeyPath).code).toBe(255);
    expect(loginWith(ana, ana.privateKeyPath).code).toBe(0);
  });
});
