/** `streamlab logs --help`, apart from the command so printing it loads nothing else. */
import { configOption, optionHelp } from '../../cli/options';

export const usage = `Usage: streamlab logs HOST [-f] [-n N] [--inventory FILE | --offline] [--config FILE]

Prints the producer service's log (journalctl -u streamlab-producer) from HOST, over SSH
with the host key pinned in the inventory (.streamlab/<name>/inventory.json by default).

Options:
  -f, --follow        keep printing new lines until Ctrl-C
  -n, --lines N       how many recent lines (default 50)
  --inventory FILE    another inventory (e.g. the offline lab's); no config needed then
  --offline           the offline lab's hosts (\`streamlab lab up\`)
${optionHelp(configOption, 22, ', for the default inventory')}

Exit status: 0 printed; 1 the host is unreachable or journalctl failed; 2 unknown HOST
(the known ones are listed), bad inventory or usage; 130 stopped with Ctrl-C (-f).

Examples:
  streamlab logs lab
  streamlab logs ana -f -n 100`;
