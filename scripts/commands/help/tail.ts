/** `streamlab tail --help`, apart from the command so printing it loads nothing else. */
import { configOption, endpointUrlOption, optionHelp } from '../../cli/options';

export const usage = `Usage: streamlab tail [--host NAME] [--inventory FILE | --offline] [--stream NAME]
                      [--from latest|trim-horizon] [--limit N] [--endpoint-url URL]
                      [--region R] [--json] [--config FILE]

Reads a host's Kinesis stream and prints, every second, the input rate (records/s, KB/s,
how far behind the newest record the reader is) and the records as they arrive, like the
course's Spark "Input vs Processing Rate". Ctrl-C stops it.

Options:
  --host NAME        the host whose stream to read, as its inventory entry names it
                     (stream, region, endpoint); default: the only host (each
                     student has a stream of their own, so a class needs --host)
  --inventory FILE   another inventory than the one \`streamlab up\` saved
  --offline          the offline lab's inventory: the host's stream on the local emulator
  --stream NAME      a stream name instead of a host (region: --region or the config's)
  --from WHERE       latest (default) or trim-horizon (everything retained)
  --limit N          stop after N records (exit 0)
${optionHelp(endpointUrlOption, 21, " (default: the entry's; AWS when it has none)")}
  --region R         default: the entry's region
  --json             one JSON object per line: {"type":"record",...} / {"type":"rate",...}
${optionHelp(configOption, 21)}`;
