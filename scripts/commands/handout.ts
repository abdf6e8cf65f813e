import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/load';
import { fingerprintOf } from '../../provisioning/engine/host-key';
import { InventoryError, loadInventory } from '../../provisioning/inventory';
import { EXIT, parseOptions, UserFacingError, type Command } from '../command';
import {
  handoutMarkdown,
  knownHostsText,
  sshConfigBlock,
  type HandoutHost,
} from '../handout/render';
import { pinnedHostKeys } from '../orchestration/known-hosts';
import { inventoryPathFor } from '../setup/state-paths';

const usage = `Usage: streamlab handout [--inventory FILE] [--out DIR] [--config FILE]

Writes, per student, DIR/<host>.md (host, user, key path, stream, region, producer,
notebook widget values), DIR/<host>.ssh_config and DIR/<host>.known_hosts (the pinned host
key: from the entry's knownHostsFile, else read with ssh-keyscan and kept only if its
fingerprint is the pinned one), plus DIR/ssh_config with every host. The blocks say
StrictHostKeyChecking yes: a student's ssh refuses any other host key.
The inventory defaults to the one \`streamlab up\` saved: .streamlab/<name>/inventory.json.

Options:
  --inventory FILE  inventory JSON/YAML ({"hosts":[{name,address,port,user,privateKeyPath,hostKeyFingerprint}]})
  --out DIR         output folder (default: handouts/<name>)`;

export const command: Command = {
  path: ['handout'],
  summary: 'Write per-student handouts (Markdown + ssh_config)',
  usage,
  async run(args, ctx) {
    const { values } = parseOptions(args, {
      inventory: { type: 'string' },
      out: { type: 'string' },
    });
    const config = loadConfig(ctx.configFile);
    const inventoryFile = values.inventory ?? inventoryPathFor(config.name);
    let hosts: HandoutHost[];
    try {
      // The provisioner's loader: one inventory schema for every command.
      hosts = loadInventory(inventoryFile).hosts;
    } catch (e) {
      // A file that is there but invalid is bad input (exit 2, the field named).
      if (e instanceof InventoryError && existsSync(inventoryFile))
        throw new UserFacingError(`invalid inventory ${e.message}`, EXIT.usage);
      throw new UserFacingError(
        `cannot read the inventory ${inventoryFile} (${(e as Error).message.split('\n')[0]}); run \`streamlab up\` first or pass --inventory`,
      );
    }
    const out = resolve(values.out ?? join('handouts', config.name));
    // Everything is rendered (and refused) before the first file is written.
    const files = new Map<string, string>();
    const blocks: string[] = [];
    for (const h of hosts) {
      const keys = await pinnedHostKeys(h);
      const pinned =
        h.hostKeyFingerprint || fingerprintOf(Buffer.from(keys[0]!.split(' ')[1]!, 'base64'));
      const knownHosts = join(out, `${h.name}.known_hosts`);
      const block = sshConfigBlock(config, h, knownHosts);
      files.set(knownHosts, knownHostsText(config, h, keys));
      files.set(
        join(out, `${h.name}.md`),
        handoutMarkdown(config, { ...h, hostKeyFingerprint: pinned }),
      );
      files.set(join(out, `${h.name}.ssh_config`), block);
      blocks.push(block);
    }
    files.set(join(out, 'ssh_config'), blocks.join('\n'));
    mkdirSync(out, { recursive: true });
    for (const [file, text] of files) {
      const tmp = `${file}.tmp-${process.pid}`;
      writeFileSync(tmp, text);
      renameSync(tmp, file);
    }
    console.log(`wrote ${hosts.length} handout(s) to ${out}/`);
    return EXIT.ok;
  },
};
