/** `streamlab reset --help`, apart from the command so printing it loads nothing else. */
import { configOption, optionHelp } from '../../cli/options';

export const usage = `Usage: streamlab reset STUDENT --offline [--config FILE]

Puts one student's host back to a fresh, provisioned state and leaves every other student
untouched: for a host on which the setup was broken (students have root on theirs).
With --offline (the lab \`streamlab lab up\` runs on this machine, root): the student's
test host is taken down and booted again from the clean Debian image (a new disk, a new
SSH host key), its inventory entry gets the new key pinned (stream and endpoint kept),
and the producer-host playbook provisions it alone. The stream and what the student's
producer already wrote stay.

A lab of one host is refused (its address carries the local Kinesis): use
\`streamlab lab down\` and \`streamlab lab up\` there.

On AWS, reset is not built yet: replace the instance with terraform and pin the new key,
  terraform -chdir=cdktf.out/stacks/<name> apply -replace='aws_instance.<address>'
  streamlab up      (rediscovers the host, pins its key from the console, provisions)
(\`terraform -chdir=cdktf.out/stacks/<name> state list | grep Student-STUDENT\` names
the instance's address).

Options:
  --offline      the offline lab's host (required for now)
${optionHelp(configOption, 17)}

Exit status: 0 reset and provisioned; 1 the lab is not up, has one host, or provisioning
failed (the recap says where); 2 usage (no STUDENT, a name the lab does not have, no
--offline).

Examples:
  sudo npm exec --no -- streamlab reset student02 --offline`;
