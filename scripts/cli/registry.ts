/**
 * The table of commands. Modules load lazily so `streamlab synth` never pays for
 * ssh2 or the AWS SDK, and `--help` stays instant; `<command> --help` loads only the
 * command's usage text (scripts/commands/help/), never the command.
 */
import type { Command } from './command';

export interface CommandEntry {
  readonly path: readonly string[];
  readonly summary: string;
  load(): Command;
  usage(): string;
}

const entry = (path: string, summary: string, load: () => { command: Command }): CommandEntry => {
  const words = path.split(' ');
  return {
    path: words,
    summary,
    load: () => load().command,
    // Named after the command's module, which is named after the command.
    usage: () => (require(`../commands/help/${words.join('-')}`) as { usage: string }).usage,
  };
};

export const COMMANDS: CommandEntry[] = [
  entry('init', 'Write streamlab.yaml and generate the SSH key pairs', () =>
    require('../commands/init'),
  ),
  entry('synth', 'Write Terraform JSON for the lab and print a summary', () =>
    require('../commands/synth'),
  ),
  entry('plan', 'Show what `up` would change on AWS (terraform plan, summarized)', () =>
    require('../commands/plan'),
  ),
  entry(
    'up',
    'Create the lab on AWS and provision its hosts (synth, apply, discover, provision)',
    () => require('../commands/up'),
  ),
  entry('down', 'Destroy the lab on AWS and check that nothing of it is left', () =>
    require('../commands/down'),
  ),
  entry(
    'status',
    'Per host: reachable over SSH, producer service state, records/s into its stream',
    () => require('../commands/status'),
  ),
  entry('logs', "Show a host's producer log (journalctl over SSH); -f follows", () =>
    require('../commands/logs'),
  ),
  entry('ssh', 'Open a shell on a host (or run a command) with its pinned host key', () =>
    require('../commands/ssh'),
  ),
  entry('tail', 'Show the input rate and the latest records of a stream', () =>
    require('../commands/tail'),
  ),
  entry('handout', 'Write per-student handouts (Markdown + ssh_config)', () =>
    require('../commands/handout'),
  ),
  entry('schema', 'Print the JSON Schema of streamlab.yaml (for editors)', () =>
    require('../commands/schema'),
  ),
  entry(
    'provision',
    'Set up the lab hosts over SSH (apt, venv, producer service); idempotent',
    () => require('../commands/provision'),
  ),
  entry(
    'lab up',
    'Bring the lab up on this machine: test hosts, local Kinesis, producers (root)',
    () => require('../commands/lab-up'),
  ),
  entry('lab status', 'Show the offline lab: hosts, emulator, records in the stream', () =>
    require('../commands/lab-status'),
  ),
  entry('lab down', 'Stop the offline lab and remove every trace of it', () =>
    require('../commands/lab-down'),
  ),
  entry('lab host up', 'Boot a local Debian 12 test host reachable over SSH (root, Linux)', () =>
    require('../commands/lab-host-up'),
  ),
  entry('lab host down', 'Stop a local test host and remove every trace of it', () =>
    require('../commands/lab-host-down'),
  ),
  entry('lab host list', 'List local test hosts', () => require('../commands/lab-host-list')),
  entry('lab rootfs', 'Build the cached Debian 12 rootfs test hosts boot from', () =>
    require('../commands/lab-rootfs'),
  ),
  entry(
    'lab packages',
    'List (or --install) the Debian packages the offline lab and the tests need',
    () => require('../commands/lab-packages'),
  ),
];
