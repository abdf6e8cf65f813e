import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { refuseSymlinks, writeNewFile } from '../../config/no-follow';
import { join, resolve } from 'node:path';
import { EXIT, OperationalError } from '../../config/errors';
import { hostNames } from '../../config/hosts';
import type { LabConfig } from '../../config/schema';
import { appliedClassEnd } from '../../labs/class/end-time';
import { fingerprintOf } from '../../provisioning/engine/host-key';
import { recordField } from '../../provisioning/inventory';
import { readerOutputName, readerRoleArns } from '../../stacks/outputs';
import type { Command } from '../cli/command';
import { inventoryOption, parseCommandLine } from '../cli/options';
import {
  handoutMarkdown,
  knownHostsText,
  sshConfigBlock,
  type HandoutHost,
} from '../../labs/handout/render';
import type { StudentReader } from '../../labs/handout/notebook';
import { pinnedHostKeys } from '../../labs/hosts/known-hosts';
import {
  readerExternalIdsPath,
  storedReaderExternalIds,
} from '../../labs/local-state/reader-external-ids';
import { stackOutputs } from '../../labs/aws/stack-outputs';
import { usage } from './help/handout';

/**
 * Each host's reader role when config `consumer` is set: the ARN from the stack's outputs
 * and the student's own external id from the lab's local state; an error names a missing one.
 */
async function studentReaders(
  config: LabConfig,
  hosts: readonly string[],
  file?: string,
): Promise<Record<string, StudentReader>> {
  if (!config.consumer) return {};
  const arns = readerRoleArns(await stackOutputs(config, file), hostNames(config));
  const missing = hosts.filter((h) => arns[h] === undefined);
  if (missing.length > 0) {
    throw new OperationalError(
      `terraform output ${missing.map(readerOutputName).join(', ')} is missing (config consumer is set): run \`streamlab up\` to apply this config`,
    );
  }
  const ids = storedReaderExternalIds(config.name);
  const noId = hosts.filter((h) => ids[h] === undefined);
  if (noId.length > 0) {
    throw new OperationalError(
      `${readerExternalIdsPath(config.name)} holds no reader external id for ${noId.join(', ')}: run \`streamlab up\` from this folder (it generates them)`,
    );
  }
  return Object.fromEntries(hosts.map((h) => [h, { roleArn: arns[h]!, externalId: ids[h]! }]));
}

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      { out: { type: 'string' }, outputs: { type: 'string' } },
      { choice: inventoryOption },
    );
    const { choice } = options;
    const { offline } = choice;
    // Offline: the config `lab up` ran (its synthetic source), and the lab's own inventory.
    const config = ctx.config(choice);
    // Each page gives the stream and region of the host's record.
    const hosts: HandoutHost[] = ctx.inventory(choice).hosts.map((h) => ({
      ...h,
      stream: recordField(h, 'stream'),
      region: h.region ?? config.region,
    }));
    // The offline lab has no IAM: no reader roles to hand out.
    const readers = offline
      ? {}
      : await studentReaders(
          config,
          hosts.map((h) => h.name),
          values.outputs,
        );
    // The end AWS enforces (config `class`): only the AWS lab has one.
    const classEnd = offline ? undefined : appliedClassEnd(config);
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
        handoutMarkdown(
          config,
          { ...h, hostKeyFingerprint: pinned },
          offline ? 'offline' : readers[h.name],
          classEnd,
        ),
      );
      files.set(join(out, `${h.name}.ssh_config`), block);
      blocks.push(block);
    }
    files.set(join(out, 'ssh_config'), blocks.join('\n'));
    // Never through a link: a clone may carry handouts/<lab> -> /etc/ssh (config/no-follow.ts).
    for (const file of files.keys()) refuseSymlinks(file);
    mkdirSync(out, { recursive: true });
    for (const [file, text] of files) {
      const tmp = `${file}.tmp-${process.pid}`;
      rmSync(tmp, { force: true });
      writeNewFile(tmp, text, 0o644);
      renameSync(tmp, file);
    }
    console.log(`wrote ${hosts.length} handout(s) to ${out}/`);
    return EXIT.ok;
  },
};
