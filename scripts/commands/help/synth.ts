/** `streamlab synth --help`, apart from the command so printing it loads nothing else. */
import { configOption, optionHelp } from '../../cli/options';

export const usage = [
  'Usage: streamlab synth [--config FILE] [--out DIR] [--json]',
  '',
  'Builds the lab stack from the config and writes <DIR>/stacks/<name>/cdk.tf.json',
  '(default DIR: cdktf.out), replacing the previous output only when synth succeeds.',
  'Every resource is checked against the policy rules (docs/aws-stack.md, "Policy"); violations',
  'fail the synth unless waived under policy.waivers.',
  '',
  'Options:',
  optionHelp(configOption, 17),
  '  --out DIR      output directory (default: cdktf.out)',
  '  --json         print the summary as JSON on stdout',
  '',
  'Prints: the file written, hosts, resources by type, waivers applied and unused,',
  'built-in policy exemptions, and an estimated hourly cost (an estimate: fixed',
  'costs at us-east-1 list prices, data volume not included).',
  '',
  'A host without an SSH key pair gets one, as `streamlab init` makes it (said on stderr).',
  '',
  'Exit status: 0 written; 1 policy violations or an unreadable SSH key (nothing written);',
  '2 bad config or usage.',
].join('\n');
