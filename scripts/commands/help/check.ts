/** `streamlab check --help`, apart from the command so printing it loads nothing else. */
import { configOption, optionHelp } from '../../cli/options';

export const usage = `Usage: streamlab check [STUDENT...] [--offline | --inventory FILE] [--outputs FILE]
                       [--json] [--config FILE]

Has every student reached the lab's milestones? For each student (all of them, or the
ones named), each milestone passes or fails with the reason:

  host reachable          SSH with the host's pinned key works
  producer active         the streamlab-producer service is active
  records in the last 60 s
                          their own stream received records in the last minute (read
                          from the stream itself, so no CloudWatch lag)
  object in the lake      AWS: an object under s3://<lake>/students/<student>/
  reader role assumable   AWS with config consumer: their reader role trusts the
                          consumer's principal with their own sts:ExternalId

Every student is checked at once: a class of 30 answers in seconds. The same checks
are the tiles of \`streamlab dashboard\`.

Options:
  --offline            the offline lab's students (\`streamlab lab up\`)
  --inventory FILE     another inventory than the one \`streamlab up\` saved
  --outputs FILE       AWS: the stack's outputs (\`terraform output -json\`) for the lake
                       bucket and reader roles; default: terraform output in the stack dir
  --json               one JSON object: the class snapshot (docs/class.md) with "pass"
${optionHelp(configOption, 23)}

Exit status: 0 every milestone of every student checked passes; 1 any fails; 2 an
unknown student, or bad config, inventory or usage.

Examples:
  streamlab check --offline
  streamlab check ana bruno
  streamlab check --json | jq '.students[] | select(any(.milestones[]; .pass | not)) | .name'`;
