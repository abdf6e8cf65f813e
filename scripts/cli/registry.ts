/**
 * The table of commands: each command's words and summary are said here and nowhere
 * else; the overview (`streamlab --help`), the "commands under" list and the dispatcher
 * read them. A command's module and its usage text are named after its words (`lab up` →
 * commands/lab-up.ts, commands/help/lab-up.ts), or after the part they drive where the
 * words alone would name two things (`lab host up` boots a test host: commands/testhost-up.ts),
 * and load lazily, so
 * `streamlab synth` never pays for ssh2 or the AWS SDK, `--help` stays instant, and
 * `<command> --help` loads only the usage text, never the command.
 */
import type { Command } from './command';

export interface CommandEntry {
  readonly path: readonly string[];
  readonly summary: string;
  load(): Command;
  usage(): string;
}

const TABLE: ReadonlyArray<readonly [words: string, summary: string, module?: string]> = [
  ['init', 'Write streamlab.yaml and generate the SSH key pairs'],
  ['synth', 'Write Terraform JSON for the lab and print a summary'],
  ['plan', 'Show what `up` would change on AWS (terraform plan, summarized)'],
  ['up', 'Create the lab on AWS and provision its hosts (synth, apply, discover, provision)'],
  ['reset', "Put one student's host back to a fresh, provisioned state (others untouched)"],
  ['extend', 'Move the end of the class (AWS stops the hosts then) N hours later'],
  ['down', 'Destroy the lab on AWS and check that nothing of it is left'],
  ['status', 'Per host: reachable over SSH, producer service state, records/s into its stream'],
  [
    'check',
    "Per student: the lab's milestones, each pass or fail with the reason (exit 1 if any fails)",
  ],
  ['logs', "Show a host's producer log (journalctl over SSH); -f follows"],
  ['ssh', 'Open a shell on a host (or run a command) with its pinned host key'],
  ['tail', 'Show the input rate and the latest records of a stream'],
  [
    'dashboard',
    'Serve a live web page of the lab on 127.0.0.1: tiles per student, metrics, analysis',
  ],
  ['handout', 'Write per-student handouts (Markdown + ssh_config)'],
  ['schema', 'Print the JSON Schema of streamlab.yaml (for editors)'],
  ['inventory', "Write the lab's hosts as an Ansible inventory, host keys pinned"],
  ['provision', 'Set up the lab hosts over SSH (apt, venv, producer service); idempotent'],
  ['lab up', 'Bring the lab up on this machine: test hosts, local Kinesis, producers (root)'],
  ['lab status', 'Show the offline lab: hosts, emulator, records in the stream'],
  ['lab down', 'Stop the offline lab and remove every trace of it'],
  [
    'lab host up',
    'Boot a local Debian 12 test host reachable over SSH (root, Linux)',
    'testhost-up',
  ],
  ['lab host down', 'Stop a local test host and remove every trace of it', 'testhost-down'],
  ['lab host list', 'List local test hosts', 'testhost-list'],
  ['lab rootfs', 'Build the cached Debian 12 rootfs test hosts boot from'],
  ['lab packages', 'List (or --install) the Debian packages the offline lab and the tests need'],
];

export const COMMANDS: CommandEntry[] = TABLE.map(([words, summary, named]) => {
  const path = words.split(' ');
  const module = named ?? path.join('-');
  return {
    path,
    summary,
    load: () => (require(`../commands/${module}`) as { command: Command }).command,
    usage: () => (require(`../commands/help/${module}`) as { usage: string }).usage,
  };
});
