/** `streamlab down --help`, apart from the command so printing it loads nothing else. */
import { configOption, optionHelp, yesOption } from '../../cli/options';

export const usage = `Usage: streamlab down [--config FILE] [--yes]

Destroys everything \`streamlab up\` created for the lab:
  1. synth       the stack (terraform needs the configuration to destroy it)
  2. preflight   terraform/tofu found; AWS credentials valid
  3. init, plan  terraform init and plan -destroy; prints what will be destroyed
  4. confirm     asks on a terminal; --yes answers for you (required without a terminal)
  5. destroy     applies exactly the saved destroy plan
  6. verify      asks AWS what is left: EC2 instances tagged lab=<name>,
                 managed-by=streamlab (terminated ones do not count), every other
                 resource with those tags (Resource Groups Tagging API), and by name
                 the stack's IAM roles and instance profiles (IAM is not in that API),
                 schedules, Kinesis and Firehose delivery streams, lake bucket and log
                 groups (an untagged one is invisible to that API)
Removes .streamlab/<name>/inventory.json. A lab that was never applied (no state) is
reported as "nothing to destroy" and is not an error; an empty state is still verified.

Options:
${optionHelp(configOption, 17)}
${optionHelp(yesOption, 17)}

Exit status: 0 destroyed (or nothing to destroy) and nothing left; 1 a step failed,
the plan was declined, or resources of the lab still exist (each is named);
2 bad config or usage, or no terminal to confirm on and no --yes; 130 interrupted.

Examples:
  streamlab down
  streamlab down --yes`;
