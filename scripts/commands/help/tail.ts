/** `streamlab tail --help`, apart from the command so printing it loads nothing else. */
import { configOption, endpointUrlOption, optionHelp } from '../../cli/options';

export const usage = `Usage: streamlab tail [--host NAME | --stream NAME | --offline] [--from latest|trim-horizon]
                      [--limit N] [--endpoint-url URL] [--region R] [--json] [--config FILE]

Reads a host's Kinesis stream and prints, every second, the input rate (records/s, KB/s,
how far behind the newest record the reader is) and the records as they arrive, like the
course's Spark "Input vs Processing Rate". Ctrl-C stops it.

Options:
  --host NAME        the student/host whose stream to read (default: the only host)
  --stream NAME      a stream name instead of a host
  --offline          the offline lab's stream on its local emulator (after \`lab up\`)
  --from WHERE       latest (default) or trim-horizon (everything retained)
  --limit N          stop after N records (exit 0)
${optionHelp(endpointUrlOption, 21, ' (--offline sets it for you)')}
  --region R         default: the config's region
  --json             one JSON object per line: {"type":"record",...} / {"type":"rate",...}
${optionHelp(configOption, 21)}`;
