/** `streamlab dashboard --help`, apart from the command so printing it loads nothing else. */
import { configOption, optionHelp } from '../../cli/options';

export const usage = `Usage: streamlab dashboard [--offline | --inventory FILE] [--outputs FILE] [--port N]
                           [--no-open] [--config FILE]

Serves a live web page of the lab on 127.0.0.1 and prints its address, with a random
token in it (http://127.0.0.1:PORT/?token=...): only someone holding that address can
open the page, so keep it to yourself. The page updates itself until Ctrl-C stops it:
  - a tile per student: producer state, records/s into their stream, age of the newest
    record, and the milestones of \`streamlab check\` (the same code, run again every
    second or two; hosts are probed over SSH every 10 s); a stuck student's tile is red
  - per stream, the course's four metrics (IncomingRecords, PutRecord.Bytes,
    PutRecord.Latency, PutRecord.Success), each chart saying where its numbers come from
  - the course's analysis, run by an embedded DuckDB over the newest 50,000 posts every
    micro-batch (posts, authors, newest; top hashtags; posts per minute; posts by place),
    with the input vs processing rate and batch duration, as the Spark UI shows them
  - the latest posts, as inert text (markup, escapes and bidi controls shown, never run)

The hosts and their streams are the inventory's (\`streamlab up\`'s, or the offline lab's
with --offline); the page is the same for both labs. See docs/dashboard.md.

Options:
  --offline          the offline lab (\`streamlab lab up\`; \`npm start\` starts both)
  --inventory FILE   another inventory than the one \`streamlab up\` saved
  --outputs FILE     AWS: the stack's outputs (\`terraform output -json\`) for the lake
                     bucket and reader roles; default: terraform output in the stack dir
  --port N           the port to listen on (default: a free one)
  --no-open          only print the address (default: also open it in the desktop's
                     browser when there is one, through a private file, never argv)
${optionHelp(configOption, 21)}

Exit status: 0 stopped with Ctrl-C, 1 the lab could not be read, 2 usage.`;
