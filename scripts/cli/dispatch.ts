/**
 * Dispatcher for `streamlab`: finds the command by its words, extracts the global
 * `--config FILE`, and maps errors to the documented exit statuses.
 */
import { errnoOf, messageInWords } from '../../config/errno';
import { inspect } from 'node:util';
import { EXIT, StreamlabError, UsageError } from '../../config/errors';
import { terminalSafe } from '../../provisioning/engine/untrusted-text';
import { commandContext } from './context';
import { COMMANDS, type CommandEntry } from './registry';
import { closestCommand } from './usage-hints';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(' ').length));
  const lines = COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return [
    'Usage: streamlab <command> [options] [--config FILE]',
    '',
    'Stand up a streaming-analytics lab on AWS, or offline on this machine, from one config file.',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    '  --config FILE   lab config (default: $STREAMLAB_CONFIG, else ./streamlab.yaml); accepted',
    '                  anywhere before `--`',
    '  -h, --help      help for streamlab or for a command',
    '  --version       print the version of streamlab and of Node.js',
    '',
    'Exit status: 0 success, 1 failure, 2 bad config or usage, 130 interrupted.',
  ].join('\n');
}

/**
 * Removes `--config FILE` / `--config=FILE` wherever it appears before `--`; what follows
 * `--` (a remote command for `ssh`) is passed on untouched.
 */
export function extractConfigFlag(argv: string[]): { rest: string[]; configFile?: string } {
  const rest: string[] = [];
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    } else if (arg === '--config') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-'))
        throw new UsageError('--config needs a FILE');
      configFile = value;
      i++;
    } else if (arg.startsWith('--config=')) {
      configFile = arg.slice('--config='.length);
    } else {
      rest.push(arg);
    }
  }
  return { rest, configFile };
}

/** Longest command path that prefixes the words. */
function findCommand(words: string[]): { entry: CommandEntry; args: string[] } | undefined {
  let best: CommandEntry | undefined;
  for (const c of COMMANDS) {
    const matches = c.path.every((w, i) => words[i] === w);
    if (matches && (!best || c.path.length > best.path.length)) best = c;
  }
  return best ? { entry: best, args: words.slice(best.path.length) } : undefined;
}

/** Sub-commands under a partial path such as `lab host`, for a helpful message. */
function commandsUnder(words: string[]): CommandEntry[] {
  return COMMANDS.filter((c) => words.length > 0 && words.every((w, i) => c.path[i] === w));
}

/** `streamlab 0.1.0 (Node.js v24.…)`: the package's version, read from its manifest. */
export function versionLine(): string {
  const { version } = require('../../package.json') as { version: string };
  return `streamlab ${version} (Node.js ${process.version})`;
}

export async function main(argv: string[]): Promise<number> {
  // Where a usage error sends the user: the command's --help once the command is known.
  let helpHint = 'streamlab --help';
  try {
    const { rest, configFile } = extractConfigFlag(argv);
    // Only options before `--` are ours: `ssh HOST -- ls -h` runs `ls -h`.
    const dashDash = rest.indexOf('--');
    const ours = dashDash < 0 ? rest : rest.slice(0, dashDash);
    const passed = dashDash < 0 ? [] : rest.slice(dashDash);
    if (ours.includes('--version') || ours.includes('-version')) {
      console.log(versionLine());
      return EXIT.ok;
    }
    const wantsHelp = ours.includes('--help') || ours.includes('-h');
    const words = [...ours.filter((a) => a !== '--help' && a !== '-h'), ...passed];
    if (words.length === 0 || (words[0] === 'help' && words.length === 1)) {
      console.log(overview());
      return words.length === 0 && !wantsHelp ? EXIT.usage : EXIT.ok;
    }
    const found = findCommand(words[0] === 'help' ? words.slice(1) : words);
    if (!found) {
      const under = commandsUnder(words);
      if (under.length > 0) {
        const list = under.map((c) => `  streamlab ${c.path.join(' ')}  ${c.summary}`).join('\n');
        console.log(`Commands under "${words.join(' ')}":\n${list}`);
        return wantsHelp ? EXIT.ok : EXIT.usage;
      }
      const guess = closestCommand(
        words,
        COMMANDS.map((c) => c.path),
      );
      throw new UsageError(
        `unknown command "${words.join(' ')}"${guess ? `; did you mean \`streamlab ${guess}\`?` : ''}`,
      );
    }
    helpHint = `streamlab ${found.entry.path.join(' ')} --help`;
    if (wantsHelp || words[0] === 'help') {
      console.log(found.entry.usage());
      return EXIT.ok;
    }
    const command = found.entry.load();
    return await command.run(
      found.args,
      commandContext(configFile === undefined ? {} : { configFile }),
    );
  } catch (e) {
    return reportError(e, helpHint);
  }
}

/**
 * Prints an error that reached the dispatcher and returns its exit status. Ours
 * (config/errors.ts) print their message and hint; anything else is a bug, printed with
 * its stack trace so that a report of it says where it happened (STREAMLAB_DEBUG=1 also maps
 * the trace to the TypeScript source). STREAMLAB_DEBUG=1 shows ours with their stack too,
 * and the error each one explains (its cause). Messages echo values from files and hosts: shown inert, like all such output.
 */
export function reportError(
  e: unknown,
  helpHint: string,
  debug = Boolean(process.env.STREAMLAB_DEBUG),
): number {
  const trace = () => inspect(e, { depth: 4 });
  if (e instanceof StreamlabError) {
    console.error(terminalSafe(`streamlab: ${e.shown(helpHint)}`));
    if (debug) console.error(terminalSafe(trace()));
    return e.exitCode;
  }
  // A network or system error (DNS, a refused connection) is the machine's, not a bug.
  if (errnoOf(e)) {
    console.error(terminalSafe(`streamlab: ${messageInWords(e)}`));
    if (debug) console.error(terminalSafe(trace()));
    return EXIT.failed;
  }
  console.error(terminalSafe(`streamlab: ${trace()}`));
  console.error(
    debug
      ? 'streamlab: this is a bug in streamlab; please report it with the trace above'
      : 'streamlab: this is a bug in streamlab; please report it with the trace above (STREAMLAB_DEBUG=1 maps it to the source)',
  );
  return EXIT.failed;
}
