/** `streamlab extend --help`, apart from the command so printing it loads nothing else. */
import { configOption, optionHelp, yesOption } from '../../cli/options';

export const usage = `Usage: streamlab extend --hours N [--config FILE] [-y]

Moves the end of the class (config \`class\`) N hours later. At the end an EventBridge
Scheduler schedule in your AWS account stops every instance of the lab; AWS enforces it,
not the hosts (students have root on theirs). extend changes that schedule in place:
synth with the new end, terraform plan, confirm, apply, and records the end it applied
in .streamlab/<name>/class-end.json (status, up and the handout read it from there).

The new end is N hours after the current one; once the class has ended, N hours after
now. The hosts AWS already stopped stay stopped: start them (EC2 console or
\`aws ec2 start-instances\`) after extending.

Options:
  --hours N      hours to add (more than 0, decimals allowed: 0.5 is half an hour)
${optionHelp(configOption, 17)}
${optionHelp(yesOption, 17)}

Exit status: 0 the end moved (or already was there); 1 terraform, AWS or credential
failure, no end applied yet (run \`streamlab up\`), or the plan declined; 2 bad config
or usage (no class in the config, --hours missing or not a positive number).

Examples:
  streamlab extend --hours 1
  streamlab extend --hours 0.5 --yes`;
