/** `streamlab ssh --help`, apart from the command so printing it loads nothing else. */
import { configOption, optionHelp } from '../../cli/options';

export const usage = `Usage: streamlab ssh HOST [--inventory FILE | --offline] [--config FILE] [-- CMD...]

Opens an interactive shell on HOST (or runs CMD there) with the system \`ssh\`: the
host's private key, its user, and a known_hosts holding only the key whose fingerprint
the inventory pins (from the EC2 console at \`up\`). If the host presents another key,
nothing connects. An inventory entry with knownHostsFile uses that file instead.
Nothing of yours reaches the host, whatever ~/.ssh/config says: no agent or X11
forwarding, no port forwarding, no LocalCommand, no shared connection, and ssh sees only
HOME, PATH, USER, LOGNAME, TERM, COLORTERM, LANG, LANGUAGE, TZ and LC_* (no credentials
for a SendEnv to send).

Options:
  --inventory FILE    another inventory (e.g. the offline lab's); no config needed then
  --offline           the offline lab's hosts (\`streamlab lab up\`)
${optionHelp(configOption, 22, ', for the default inventory')}

Exit status: ssh's own (the remote command's, or 255 for an SSH error); 1 the pinned key
could not be matched; 2 unknown HOST (the known ones are listed) or usage.

Examples:
  streamlab ssh lab
  streamlab ssh ana -- systemctl status streamlab-producer`;
