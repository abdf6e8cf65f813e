/** `streamlab lab down --help`, apart from the command so printing it loads nothing else. */
export const usage = `Usage: streamlab lab down [--config FILE]

Stops the offline lab: the local Kinesis emulator (its records go with it), every test
host of the lab (network namespace, overlay, state), and removes the lab's record and
inventory under .streamlab/<name>/. Nothing else is touched. Safe to run twice, and
after an interrupted \`lab up\`. Needs root on Linux.

Exit status: 0 done (or nothing was running), 1 something could not be stopped.`;
