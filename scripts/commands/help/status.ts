/** `streamlab status --help`, apart from the command so printing it loads nothing else. */
import { configOption, endpointUrlOption, optionHelp } from '../../cli/options';

export const usage = `Usage: streamlab status [--config FILE] [--inventory FILE | --offline]
                        [--endpoint-url URL] [--region R] [--json]

For every host of the lab's inventory (.streamlab/<name>/inventory.json, written by
\`streamlab up\`): is it reachable over SSH with its pinned host key, is the producer
service (streamlab-producer) active, and how many records per second reach the stream
its inventory entry names (in the entry's region, at its endpoint).

Records/s come from the stream's CloudWatch metric IncomingRecords (newest minute; it
lags 1-2 minutes, so a new lab shows "-" at first), or, for an entry with an endpoint
(the offline lab's emulator) or with --endpoint-url, from counting what GetRecords
returns over 3 s (a local emulator has no CloudWatch).

Options:
${optionHelp(configOption, 23, ', for the default inventory')}
  --inventory FILE     another inventory; no config needed then
  --offline            the offline lab's hosts (\`streamlab lab up\`)
${optionHelp(endpointUrlOption, 23, " (for every host, instead of each entry's)")}
  --region R           a region for every host (default: each entry's)
  --json               one JSON object: {"hosts":[{"name","reachable","producer",
                       "stream","recordsPerSecond","error"?,"provisioned"?}]}

Hosts whose provisioning \`up\` did not finish (a failed task, Ctrl-C) are named
"not fully provisioned" after the table (the default inventory only).

Exit status: 0 every host reachable with its producer active and provisioned; 1 otherwise;
2 bad config, inventory or usage.

Examples:
  streamlab status
  streamlab status --json | jq '.hosts[] | select(.producer != "active")'`;
