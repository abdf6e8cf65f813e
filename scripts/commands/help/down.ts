/** `streamlab down --help`, apart from the command so printing it loads nothing else. */
export const usage = `Usage: streamlab down [--config FILE] [--yes]

Destroys everything \`streamlab up\` created for the lab:
  1. synth       the stack (terraform needs the configuration to destroy it)
  2. preflight   terraform/tofu found; AWS credentials valid
  3. init, plan  terraform init and plan -destroy; prints what will be destroyed
  4. confirm     asks on a terminal; --yes answers for you (required without a terminal)
  5. destroy     applies exactly the saved destroy plan
  6. verify      asks EC2 for instances still tagged lab=<name>, managed-by=streamlab
Removes .streamlab/<name>/inventory.json. A lab that was never applied (no state) is
reported as "nothing to destroy" and is not an error.

Options:
  --config FILE  lab config (default: ./streamlab.yaml)
  -y, --yes      destroy without asking (alias: --auto-approve)

Exit status: 0 destroyed (or nothing to destroy) and no instance left; 1 a step failed,
the plan was declined, or instances of the lab still exist (their ids are printed);
2 bad config or usage, or no terminal to confirm on and no --yes; 130 interrupted.

Examples:
  streamlab down
  streamlab down --yes`;
