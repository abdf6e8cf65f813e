/** `streamlab up --help`, apart from the command so printing it loads nothing else. */
import {
  appDirOption,
  configOption,
  connectTimeoutOption,
  optionHelp,
  yesOption,
} from '../../cli/options';

/** EC2 instances are still booting when `up` first connects: it waits longer than provision. */
export const UP_CONNECT_TIMEOUT_S = 300;

export const usage = `Usage: streamlab up [--config FILE] [--yes] [--accept-new-host-keys] [--skip-provision]
                    [--connect-timeout S] [--app-dir DIR]

Brings the lab up on AWS: every step below runs in order and stops at the first failure.
  1. preflight   terraform/tofu found; AWS credentials valid in the config's region
                 (fails here, before any change, with what to do)
  2. synth       cdktf.out/stacks/<name>/cdk.tf.json from the config
  3. init, plan  terraform init and plan; prints the summary by resource type
     quotas      the account's limits for what the plan creates (EC2 vCPUs, Kinesis
                 shards / on-demand streams, Logs resource policies, Lambda concurrency
                 when search.reservedConcurrency is set); a quota too low stops here,
                 before any change; an API that does not answer is a warning
  4. confirm     asks on a terminal; --yes answers for you (without a terminal and
                 without --yes, up refuses before step 1)
  5. apply       applies exactly the saved plan; terraform's lines stream, prefixed
  6. discover    waits for the EC2 status checks, reads each host's SSH host-key
                 fingerprint from its console output (cloud-init prints it) and pins it
  7. inventory   writes .streamlab/<name>/inventory.json (0600) atomically
  8. provision   the producer-host playbook over SSH (same output as \`streamlab provision\`)
Then prints each host, its stream, the S3 bucket and what to run next.

Re-running is safe: terraform changes only what differs, provisioning only what drifted.

With \`rehearsal: {}\` in the config, the same steps run against moto on 127.0.0.1 (started
here, listed limits, no AWS credentials used) with a local test host standing in for each
instance; its producer runs the synthetic source and writes to moto's Kinesis through a
gate on the hosts' service address; \`streamlab down\` ends it (docs/aws-lab.md,
"Rehearse without AWS").

Options:
${optionHelp(configOption, 27)}
${optionHelp(yesOption, 27)}
  --accept-new-host-keys   trust each host's SSH key on first connection instead of
                           pinning the fingerprint from the EC2 console (explicit trust on
                           first use); the key seen is then pinned in the inventory,
                           and later runs keep that pin while the address is the same
  --skip-provision         stop after writing the inventory
${optionHelp(connectTimeoutOption(UP_CONNECT_TIMEOUT_S), 27)}
${optionHelp(appDirOption, 27)}

Secrets come from the environment only: STREAMLAB_X_BEARER_TOKEN (producer.source "x").
Ctrl-C: acknowledged at once with what happens next. Terraform receives one interrupt and
is waited for (state saved, lock released); during discovery or provisioning the lab stays
applied and the next \`up\` resumes (provisioning starts no other task and ends its SSH
sessions at once; the hosts stay marked not provisioned). A second Ctrl-C forces: what
terraform was creating may be left outside the state (\`down\` lists it by name, the next
\`up\` adopts it); the task a host was running may be left half-done.

Exit status: 0 the lab is up and provisioned; 1 a step failed (terraform, AWS, a quota
too low, a host failed or was unreachable) or the plan was declined; 2 bad config or usage, or no
terminal to confirm on and no --yes; 130 interrupted.

Examples:
  streamlab up
  streamlab up --yes                       # CI, scripts
  streamlab up --yes --accept-new-host-keys`;
