/** `streamlab reset --help`, apart from the command so printing it loads nothing else. */
import {
  appDirOption,
  configOption,
  connectTimeoutOption,
  optionHelp,
  yesOption,
} from '../../cli/options';
import { UP_CONNECT_TIMEOUT_S } from './up';

export const usage = `Usage: streamlab reset STUDENT [--config FILE] [--yes] [--connect-timeout S] [--app-dir DIR]
       streamlab reset STUDENT --offline [--config FILE]

Puts one student's host back to a fresh, provisioned state and leaves every other student
untouched: for a host on which the setup was broken (students have root on theirs).

On AWS (the lab \`streamlab up\` made), with up's own steps:
  1. preflight, synth, init   as \`up\`; the student's instance address is read from the
                 synthesized stack (the resource its host_<student>_instance_id output names)
  2. plan        terraform plan -replace=<that address>, nothing else replaced; prints the
                 summary. The plan may update in place what lists the lab's instances (the
                 class-end schedule and its role); anything else it would change (another
                 host, a key pair, a resource created or destroyed: the lab differs from the
                 config) stops reset here, naming it, before any change: run \`up\` first
  3. confirm     asks on a terminal; --yes answers for you
  4. apply       the saved plan: the instance is destroyed and made anew (its disk is lost)
  5. discover    the new instance alone: EC2 status checks, its host key pinned from the
                 console; its inventory entry is replaced (the new key instead of the old),
                 every other entry is written back as it was
  6. provision   the producer-host playbook (and the config's own host tasks) on that host
                 alone, as \`up\` provisions
The student's stream, lake prefix and key pair stay; so does what their producer wrote.
In a rehearsal (\`rehearsal: {}\`) the student's stand-in test host is taken down and a fresh
one (new disk, new host key) stands in for the new instance.

With --offline (the lab \`streamlab lab up\` runs on this machine, root): the student's
test host is taken down and booted again from the clean Debian image (a new disk, a new
SSH host key), its inventory entry gets the new key pinned (stream and endpoint kept),
and the producer-host playbook provisions it alone. A lab of one host is refused there
(its address carries the local Kinesis): use \`streamlab lab down\` and \`streamlab lab up\`.

Options:
  --offline                the offline lab's host instead of an AWS instance
${optionHelp(configOption, 27)}
${optionHelp(yesOption, 27)}
${optionHelp(connectTimeoutOption(UP_CONNECT_TIMEOUT_S), 27)}
${optionHelp(appDirOption, 27)}

Secrets come from the environment only: STREAMLAB_X_BEARER_TOKEN (producer.source "x").
Ctrl-C: as in \`up\`. Before the apply nothing is changed; terraform receives one interrupt
and is waited for; during discovery or provisioning the instance is already replaced:
\`streamlab up\` finishes it (it finds every other host as it is), or reset again.

Exit status: 0 replaced and provisioned; 1 the lab is not up here, the plan would change
more than the student's instance, the plan was declined, or a step failed (terraform, AWS,
provisioning: the recap says where); 2 usage (no STUDENT, a name the lab does not have:
the message lists its students; no terminal to confirm on and no --yes); 130 interrupted.

Examples:
  streamlab reset ana
  streamlab reset ana --yes                # scripts
  sudo npm exec --no -- streamlab reset student02 --offline`;
