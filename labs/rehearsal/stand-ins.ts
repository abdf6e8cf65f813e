/**
 * The local test hosts that stand in for a rehearsed lab's instances, one per host of the
 * config, in a run dir of the lab's own (`<run dir>/rehearse-<lab>`), so `down` takes down
 * exactly its own set. Each gets the lab's public key for ubuntu, as cloud-init gives an
 * instance its key pair's: from then on the lab's own key reaches it, as on AWS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostNames, keyPathFor } from '../../config/hosts';
import { OperationalError } from '../../config/errors';
import type { LabConfig } from '../../config/schema';
import { connect } from '../../provisioning/engine/connection';
import { hostSpecOf } from '../../provisioning/inventory';
import { hostDownAll, hostUp, inventoryEntry, type HostDetails } from '../../testhost/api';
import { removeHostFilter } from '../../testhost/host-filter';
import { runDirFromEnv } from '../../testhost/paths';
import type { Reporter } from '../progress';

export function rehearsalRunDir(labName: string, parent = runDirFromEnv()): string {
  return join(parent, `rehearse-${labName}`);
}

/** The lab's public key, appended once to ubuntu's authorized_keys on the stand-in. */
async function authorizeLabKey(host: HostDetails, publicKey: string): Promise<void> {
  // The key is one line of base64 and a comment: anything else is not a key of ours.
  if (!/^ssh-[a-z0-9-]+ [A-Za-z0-9+/=]+( [^'\n]*)?$/.test(publicKey))
    throw new OperationalError(`the lab's public key for ${host.name} is not one OpenSSH key line`);
  const c = await connect(hostSpecOf(inventoryEntry(host)));
  try {
    const file = '/home/ubuntu/.ssh/authorized_keys';
    await c.exec(
      `install -d -m 700 -o ubuntu -g ubuntu /home/ubuntu/.ssh && touch ${file} && ` +
        `(grep -qxF '${publicKey}' ${file} || echo '${publicKey}' >> ${file}) && ` +
        `chown ubuntu:ubuntu ${file} && chmod 600 ${file}`,
    );
  } finally {
    c.close();
  }
}

/** Boots (or finds running) one stand-in per host; returns them by host name. */
export async function bootStandIns(
  config: LabConfig,
  r: Reporter,
  baseDir?: string,
): Promise<Map<string, HostDetails>> {
  const runDir = rehearsalRunDir(config.name);
  const names = hostNames(config);
  const end = r.step(`boot ${names.length} local test host(s) standing in for the instances`);
  const byName = new Map<string, HostDetails>();
  try {
    // Two at a time: each boot is a systemd start-up, and the machine has few cores.
    for (let i = 0; i < names.length; i += 2) {
      const batch = names.slice(i, i + 2);
      const up = await Promise.all(
        batch.map((name) =>
          hostUp(name, { runDir, onProgress: (m) => r.line('testhost', `${name}: ${m}`) }),
        ),
      );
      for (const h of up) {
        const key = readFileSync(keyPathFor(config, h.name, baseDir).publicKeyPath, 'utf8').trim();
        await authorizeLabKey(h, key);
        byName.set(h.name, h);
        r.line('testhost', `${h.name}: ${h.address} stands in for its instance`);
      }
    }
    end('ok');
    return byName;
  } catch (e) {
    end('failed');
    throw e;
  }
}

/** Takes down every stand-in of the lab and their packet filter; returns their names. */
export async function takeDownStandIns(config: LabConfig): Promise<string[]> {
  const runDir = rehearsalRunDir(config.name);
  const names = await hostDownAll({ runDir });
  await removeHostFilter(runDir);
  return names;
}
