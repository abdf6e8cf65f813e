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
import {
  hostDown,
  hostDownAll,
  hostUp,
  inventoryEntry,
  type HostDetails,
} from '../../testhost/api';
import { removeHostFilter } from '../../testhost/host-filter';
import { runDirFromEnv } from '../../testhost/paths';
import { asStep, type Reporter } from '../progress';

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

/** One stand-in booted (or found running) in the lab's run dir, the lab's key authorized. */
async function bootStandIn(
  config: LabConfig,
  name: string,
  r: Reporter,
  baseDir?: string,
): Promise<HostDetails> {
  const host = await hostUp(name, {
    runDir: rehearsalRunDir(config.name),
    onProgress: (m) => r.line('testhost', `${name}: ${m}`),
  });
  const key = readFileSync(keyPathFor(config, name, baseDir).publicKeyPath, 'utf8').trim();
  await authorizeLabKey(host, key);
  r.line('testhost', `${name}: ${host.address} stands in for its instance`);
  return host;
}

/** Boots (or finds running) one stand-in per host; returns them by host name. */
export async function bootStandIns(
  config: LabConfig,
  r: Reporter,
  baseDir?: string,
): Promise<Map<string, HostDetails>> {
  const names = hostNames(config);
  const end = r.step(`boot ${names.length} local test host(s) standing in for the instances`);
  const byName = new Map<string, HostDetails>();
  try {
    // Two at a time: each boot is a systemd start-up, and the machine has few cores.
    for (let i = 0; i < names.length; i += 2) {
      const batch = names.slice(i, i + 2);
      const up = await Promise.all(batch.map((name) => bootStandIn(config, name, r, baseDir)));
      for (const h of up) byName.set(h.name, h);
    }
    end('ok');
    return byName;
  } catch (e) {
    end('failed');
    throw e;
  }
}

/**
 * A replaced instance's stand-in: the old test host taken down (its disk with it, so
 * nothing of it is left for `down` to miss) and a fresh one booted from the clean image
 * under the same name, with a new SSH host key; `standIns` then maps the name to it.
 */
export async function renewStandIn(
  config: LabConfig,
  name: string,
  standIns: Map<string, HostDetails>,
  r: Reporter,
  baseDir?: string,
): Promise<HostDetails> {
  await asStep(r, `a fresh local test host standing in for ${name}'s new instance`, async () => {
    await hostDown(name, { runDir: rehearsalRunDir(config.name) });
    standIns.set(name, await bootStandIn(config, name, r, baseDir));
  });
  return standIns.get(name)!;
}

/** Takes down every stand-in of the lab and their packet filter; returns their names. */
export async function takeDownStandIns(config: LabConfig): Promise<string[]> {
  const runDir = rehearsalRunDir(config.name);
  const names = await hostDownAll({ runDir });
  await removeHostFilter(runDir);
  return names;
}
