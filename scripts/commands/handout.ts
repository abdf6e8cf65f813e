import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load';
import { loadInventory } from '../../provisioning/inventory';
import { EXIT, parseOptions, UserFacingError, type Command } from '../command';
import { handoutMarkdown, sshConfigBlock, type HandoutHost } from '../handout/render';
import { inventoryPathFor } from '../setup/state-paths';
import { usage } from './help/handout';

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
      throw new UserFacingError(
        `cannot read the inventory ${inventoryFile} (${(e as Error).message.split('\n')[0]}); run \`streamlab up\` first or pass --inventory`,
      );
    }
    const out = values.out ?? join('handouts', config.name);
    mkdirSync(out, { recursive: true });
    const write = (file: string, text: string) => {
      const tmp = `${file}.tmp-${process.pid}`;
      writeFileSync(tmp, text);
      renameSync(tmp, file);
    };
    for (const h of hosts) {
      write(join(out, `${h.name}.md`), handoutMarkdown(config, h));
      write(join(out, `${h.name}.ssh_config`), sshConfigBlock(config, h));
    }
    write(join(out, 'ssh_config'), hosts.map((h) => sshConfigBlock(config, h)).join('\n'));
    console.log(`wrote ${hosts.length} handout(s) to ${out}/`);
    return EXIT.ok;
  },
};
