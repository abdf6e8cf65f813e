/**
 * Per-student handouts: a Markdown page and an ssh_config block. Pure functions of the
 * config and the inventory, so a snapshot test pins their wording.
 */
import type { LabConfig } from '../../config/schema';
import { streamNameFor } from '../../config/hosts';
import type { InventoryHost } from '../../provisioning/inventory';
import { notebookSection } from './notebook';

/** A host as the inventory describes it (provisioning/inventory.ts is the one schema). */
export type HandoutHost = InventoryHost;

/** `streamlab-<lab>-<host>`: the alias students type after `ssh`. */
export function sshAlias(config: LabConfig, host: string): string {
  return `streamlab-${config.name}-${host}`;
}

export function sshConfigBlock(config: LabConfig, h: HandoutHost): string {
  return [
    `Host ${sshAlias(config, h.name)}`,
    `  HostName ${h.address}`,
    `  Port ${h.port}`,
    `  User ${h.user}`,
    `  IdentityFile ${h.privateKeyPath}`,
    '  IdentitiesOnly yes',
    // The fingerprint was pinned from the EC2 console; ask rather than trust silently.
    '  StrictHostKeyChecking ask',
    '',
  ].join('\n');
}

/** `readerRoleArn`: the student's reader role (config `consumer`), from the stack's outputs. */
export function handoutMarkdown(config: LabConfig, h: HandoutHost, readerRoleArn?: string): string {
  const stream = streamNameFor(config, h.name);
  const alias = sshAlias(config, h.name);
  return `# ${config.name} — your lab host \`${h.name}\`

| | |
| --- | --- |
| Host | \`${h.address}\` (port ${h.port}) |
| User | \`${h.user}\` |
| SSH key | \`${h.privateKeyPath}\` |
| Host-key fingerprint | \`${h.hostKeyFingerprint || '(not pinned)'}\` |
| Kinesis stream | \`${stream}\` |
| Region | \`${config.region}\` |
| Producer | ${config.producer.source}, hashtag \`${config.producer.hashtag}\`, place \`${config.producer.location}\` |

## Connect

\`\`\`sh
ssh -i ${h.privateKeyPath} ${h.user}@${h.address}
\`\`\`

or add the \`ssh_config\` block from this folder to \`~/.ssh/config\` and run \`ssh ${alias}\`.
When SSH asks to confirm the host key, compare it with the fingerprint above.

## The producer

It runs as the systemd service \`streamlab-producer\`:

\`\`\`sh
systemctl status streamlab-producer
journalctl -u streamlab-producer -f
\`\`\`

${notebookSection(config, h.name, readerRoleArn)}`;
}
