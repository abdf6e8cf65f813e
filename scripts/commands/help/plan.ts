/** `streamlab plan --help`, apart from the command so printing it loads nothing else. */
import { configOption, optionHelp } from '../../cli/options';

export const usage = `Usage: streamlab plan [--config FILE] [--json]

Shows what \`streamlab up\` would create, change or destroy on AWS, and changes nothing:
synthesizes the stack (cdktf.out/stacks/<name>/), runs terraform (or tofu) init there,
and plans into streamlab.tfplan in that directory.

Checks first, before anything else: terraform/tofu is installed (PATH or STREAMLAB_TF)
and your AWS credentials work in the config's region (STS GetCallerIdentity). After the
plan, the account's limits for what it creates: EC2 vCPUs (Service Quotas L-1216C47A
against hosts × vCPUs of instanceType), Kinesis shards or on-demand streams
(DescribeLimits), CloudWatch Logs resource policies (10 per region; search creates one),
Lambda unreserved concurrency when search.reservedConcurrency is set (100 must remain).
A check AWS does not answer (permissions, an emulator) is a warning naming it.

Options:
${optionHelp(configOption, 17)}
  --json         print the summary as one JSON object on stdout:
                 {"create","update","replace","delete","byType","hasChanges"}

Prints: progress on stderr, then one line per resource type (+n create, ~n update,
±n replace, -n destroy) and "Plan: n to add, n to change, n to replace, n to destroy."

Exit status: 0 planned (changes or not); 1 terraform, AWS or credential failure
(no credentials, expired, wrong region: the message says what to do), or a quota too
low for the plan (named, with need, limit and how to ask for more); 2 bad config or usage.

Examples:
  streamlab plan
  streamlab plan --json | jq .byType`;
