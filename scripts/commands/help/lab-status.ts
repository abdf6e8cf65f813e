/** `streamlab lab status --help`, apart from the command so printing it loads nothing else. */
export const usage = `Usage: streamlab lab status [--json] [--config FILE]

Shows the offline lab started by \`streamlab lab up\`: \`streamlab status --offline\` (each
host reachable over SSH with its pinned key, the producer service's state, the input
rate over two seconds), plus whether each test host is booted and its address, the local
Kinesis emulator (on this machine's loopback), the hosts' Kinesis gate (each host's own
port, for its own stream only), and the records in each student's own stream so far.

Options:
  --json   one JSON object: {"name","up","hosts":[{"name","address","running",
           "reachable","producer":"active|inactive|failed|unknown","error"?,
           "stream","records","recordsPerSecond"}],"emulator":{"state","endpoint"},
           "gate":{"state","address","ports":{HOST:PORT}}}
           (records and recordsPerSecond are null when not measured)

Exit status: 0 every producer is active and the emulator and the gate run, 1 the lab is partly
up or down (or was never started), 2 usage.`;
