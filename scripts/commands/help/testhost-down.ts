/** `streamlab lab host down --help`, apart from the command so printing it loads nothing else. */
export const usage = [
  'Usage: streamlab lab host down NAME',
  '       streamlab lab host down --all',
  '',
  'Powers the host off and removes its processes, network namespace, veth, cgroups, mounts',
  'and directories; the last host down also stops the apt proxy. --all takes down every',
  'host, including what a crashed run left behind. Prints the names taken down.',
  'Taking down an unknown NAME is not an error (prints "no host NAME").',
].join('\n');
