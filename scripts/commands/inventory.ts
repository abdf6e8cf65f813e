/** `streamlab inventory --format ansible`: the lab's hosts for Ansible, host keys pinned. */
import { EXIT, UsageError } from '../../config/errors';
import type { Command } from '../cli/command';
import { inventoryOption, parseCommandLine } from '../cli/options';
import { writeAnsibleInventory } from '../../labs/hosts/ansible-export';
import { DEFAULT_ANSIBLE_INVENTORY, usage } from './help/inventory';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      { format: { type: 'string' }, output: { type: 'string' } },
      { choice: inventoryOption },
    );
    if (values.format !== 'ansible')
      throw new UsageError(
        values.format === undefined
          ? '--format ansible is required (the one format written)'
          : `--format: "${values.format}" is not a format streamlab writes (ansible)`,
      );
    const inventory = ctx.inventory(options.choice);
    const written = await writeAnsibleInventory(
      values.output ?? DEFAULT_ANSIBLE_INVENTORY,
      inventory.hosts,
    );
    console.error(
      `streamlab: wrote ${written.inventory} (${inventory.hosts.length} host(s)) and its pinned keys ${written.knownHosts}`,
    );
    return EXIT.ok;
  },
};
