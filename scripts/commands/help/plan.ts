/** `streamlab plan --help`, apart from the command so printing it loads nothing else. */
export const usage = `Usage: streamlab plan [--config FILE] [--json]

Shows what \`streamlab up\` would create, change or destroy on AWS, and changes nothing:
synthesizes the stack (cdktf.out/stacks/<name>/), runs terraform (or tofu) init there,
and plans into streamlab.tfplan in that directory.

Checks first, before anything else: terraform/tofu is installed (PATH or STREAMLAB_TF)
and your AWS credentials work in the config's region (STS GetCallerIdentity).

Options:
  --config FILE  lab config (default: ./streamlab.yaml)
  --json         print the summary as one JSON object on stdout:
                 {"create","update","replace","delete","byType","hasChanges"}

Prints: progress on stderr, then one line per resource type (+n create, ~n update,
±n replace, -n destroy) and "Plan: n to add, n to change, n to replace, n to destroy."

Exit status: 0 planned (changes or not); 1 terraform, AWS or credential failure
(no credentials, expired, wrong region: the message says what to do); 2 bad config or usage.

Examples:
  streamlab plan
  streamlab plan --json | jq .byType`;
