/**
 * Per-student handouts: a Markdown page and an ssh_config block. Pure functions of the
 * config and the inventory, so a snapshot test pins their wording.
 */
import type { LabConfig } from '../../config/schema';
import { studentPublicKey } from '../../config/hosts';
import { quote } from '../../provisioning/engine/quote';
import { controlCharacterIn } from '../../provisioning/engine/untrusted-text';
import { fingerprintOf } from '../../provisioning/engine/host-key';
import type { InventoryHost } from '../../provisioning/inventory';
import { PRODUCER_SERVICE } from '../../provisioning/playbooks/producer-host';
import { InputError } from '../../config/errors';
import { codeCell } from './code-cell';
import { notebookSection, type StudentReader } from './notebook';

/**
 * A host as the inventory describes it (provisioning/inventory.ts is the one schema), its
 * stream and region resolved (commands/handout.ts refuses an entry without a stream).
 */
export type HandoutHost = InventoryHost & { readonly stream: string; readonly region: string };

/** `streamlab-<lab>-<host>`: the alias students type after `ssh`. */
export function sshAlias(config: LabConfig, host: string): string {
  return `streamlab-${config.name}-${host}`;
}

/**
 * One ssh_config value, double-quoted the way OpenSSH splits its arguments (`\\` and `\"`
 * escaped). A control character would end the line and start a directive of its own, and
 * `${VAR}` is expanded by ssh in paths with no escape: both are refused, naming the field.
 * `tokens`: the option expands `%` tokens, so a literal `%` is written `%%`.
 */
function configValue(field: string, value: string, tokens: boolean): string {
  const control = controlCharacterIn(value);
  if (control || value.includes('${'))
    throw new InputError(
      `${field}: ${JSON.stringify(value)} cannot go into an ssh_config (${control ? `control character ${control}` : 'ssh would expand ${…} in it'})`,
    );
  const literal = tokens ? value.replace(/%/g, '%%') : value;
  return `"${literal.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * The student's ssh_config block: the host pinned through `knownHostsFile` (written by
 * `knownHostsText`) under the alias, StrictHostKeyChecking yes: a changed key refuses to
 * connect instead of asking the student to trust it.
 */
export function sshConfigBlock(
  config: LabConfig,
  h: InventoryHost,
  knownHostsFile: string,
): string {
  const alias = sshAlias(config, h.name);
  // A student with a key of their own uses it: ssh's default key files, never a path of
  // the operator's machine (the student adds IdentityFile for a key kept elsewhere).
  const identity = studentPublicKey(config, h.name)
    ? []
    : [`  IdentityFile ${configValue('privateKeyPath', h.privateKeyPath, true)}`];
  return [
    `Host ${alias}`,
    `  HostName ${configValue('address', h.address, true)}`,
    `  Port ${h.port}`,
    `  User ${configValue('user', h.user, false)}`,
    ...identity,
    '  IdentitiesOnly yes',
    `  HostKeyAlias ${alias}`,
    `  UserKnownHostsFile ${configValue('knownHostsFile', knownHostsFile, true)}`,
    '  StrictHostKeyChecking yes',
    '',
  ].join('\n');
}

/** known_hosts lines for the block: each pinned key (`type base64`) under the host's alias. */
export function knownHostsText(
  config: LabConfig,
  h: InventoryHost,
  keys: readonly string[],
): string {
  return keys.map((k) => `${sshAlias(config, h.name)} ${k}\n`).join('');
}

/**
 * Which key opens the host: the student's own (named by type and fingerprint, so they can
 * tell it among theirs: `ssh-keygen -lf KEY.pub`), else the key file the operator hands out.
 */
function sshKeyCell(config: LabConfig, h: InventoryHost): string {
  const own = studentPublicKey(config, h.name);
  if (!own) return codeCell('privateKeyPath', h.privateKeyPath);
  const [type, blob] = own.split(' ');
  const fingerprint = fingerprintOf(Buffer.from(blob!, 'base64'));
  return `your own key: ${codeCell('publicKey', type!)} ${codeCell('publicKey', fingerprint)} (the one you gave; no key file is handed out)`;
}

/**
 * Where the student reads their stream: on AWS the Spark notebook (`reader`: their reader
 * role with config `consumer` and their own external id); `'offline'`: the lab's page, since
 * their stream lives in an emulator on the lab's machine that Databricks cannot reach.
 * `classEndsAt`: when AWS stops the host (config `class`, as `up`/`extend` applied it).
 */
export function handoutMarkdown(
  config: LabConfig,
  h: HandoutHost,
  reader?: StudentReader | 'offline',
  classEndsAt?: Date,
): string {
  const alias = sshAlias(config, h.name);
  const ends = classEndsAt
    ? `| Class ends | ${classEndsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC: the host is stopped then (save your work before) |\n`
    : '';
  return `# ${config.name} — your lab host \`${h.name}\`

| | |
| --- | --- |
| Host | ${codeCell('address', h.address)} (port ${h.port}) |
| User | ${codeCell('user', h.user)} |
| SSH key | ${sshKeyCell(config, h)} |
| Host-key fingerprint | ${codeCell('hostKeyFingerprint', h.hostKeyFingerprint || '(not pinned)')} |
| Kinesis stream | ${codeCell('stream', h.stream)} |
| Region | ${codeCell('region', h.region)} |
| Producer | ${config.producer.source}, hashtag ${codeCell('producer.hashtag', config.producer.hashtag)}, place ${codeCell('producer.location', config.producer.location)} |
${ends}
## Connect

From this folder:

\`\`\`sh
ssh -F ${quote(`${h.name}.ssh_config`)} ${alias}
\`\`\`

or add the \`ssh_config\` block from this folder to \`~/.ssh/config\` and run \`ssh ${alias}\`.${
    studentPublicKey(config, h.name)
      ? `
SSH offers your key from \`~/.ssh\` (\`id_ed25519\`, \`id_ecdsa\`, \`id_rsa\`); if you keep it
elsewhere, add \`IdentityFile PATH\` to the block.`
      : ''
  }
The block pins the host key: SSH checks it against \`${h.name}.known_hosts\` (the key
whose fingerprint is above) and refuses to connect to any other key.

## The producer

It runs as the systemd service \`${PRODUCER_SERVICE}\`:

\`\`\`sh
systemctl status ${PRODUCER_SERVICE}
journalctl -u ${PRODUCER_SERVICE} -f
\`\`\`

${reader === 'offline' ? dashboardSection(h) : notebookSection(config, h, reader)}`;
}

/** The offline lab's way to watch and analyse a stream: streamlab's own page. */
function dashboardSection(h: HandoutHost): string {
  return `## Watch and analyse your stream

Your stream lives in the lab's local Kinesis emulator, on the machine that runs the lab:
Databricks cannot reach it. The lab's page shows it instead. On that machine run

\`\`\`sh
streamlab dashboard --offline
\`\`\`

and open the address it prints (it listens on 127.0.0.1 only and carries a token). Your tile is
\`${h.name}\`: your producer, your records per second and the milestones you have reached; the
charts of \`${h.stream}\` are the course's four stream metrics, and the analysis (posts, authors,
top hashtags, posts per minute, posts by place) is the notebook's queries, run live on the posts.

In a terminal: \`streamlab tail --offline --host ${h.name}\` prints your posts as they arrive, and
\`streamlab check --offline ${h.name}\` says which milestones you have reached and why not.
`;
}
