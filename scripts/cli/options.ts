/**
 * The options several commands take, each said once: how parseArgs declares it, the one
 * rule its value must pass, and its line under "Options:" in --help. Each command used to
 * declare and check its own copy, and the copies drifted (--connect-timeout took 0 in
 * provision but not in up; tail took any --endpoint-url that status refused).
 *
 * Light on purpose: the help texts (scripts/commands/help/) import it, and `--help` must
 * not load the commands or what they need.
 */
import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../../config/errors';
import { parseOptions } from './command';

type Declarations = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs hands back for the declared options. */
type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

export interface SharedOption<T> {
  /** The parseArgs entries: the option and any alias. */
  readonly declares: Declarations;
  /** The value the command works with; a UsageError when the rule is broken. */
  read(values: OptionValues): T;
  /** How help writes it: `-y, --yes`, `--connect-timeout S`. */
  readonly flags: string;
  /** What it does, as help says it. */
  readonly meaning: string;
}

/** `--yes`, and terraform's spelling `--auto-approve` for those who type it by habit. */
export const yesOption: SharedOption<boolean> = {
  declares: { yes: { type: 'boolean', short: 'y' }, 'auto-approve': { type: 'boolean' } },
  read: (v) => v.yes === true || v['auto-approve'] === true,
  flags: '-y, --yes',
  meaning: 'go ahead without asking (alias: --auto-approve)',
};

export const jsonOption: SharedOption<boolean> = {
  declares: { json: { type: 'boolean' } },
  read: (v) => v.json === true,
  flags: '--json',
  meaning: 'print JSON on stdout (progress goes to stderr)',
};

/**
 * How long to keep retrying hosts that do not answer SSH yet, as the connection deadline in
 * ms. One rule everywhere: a number of seconds ≥ 0, where 0 means a single attempt. Only
 * the default differs, so it is the one parameter: `up` waits for EC2 instances that are
 * still booting (300 s), `provision` for hosts that should already be up (120 s).
 */
export function connectTimeoutOption(defaultSeconds: number): SharedOption<number> {
  return {
    declares: { 'connect-timeout': { type: 'string' } },
    read(v) {
      const raw = v['connect-timeout'];
      if (raw === undefined) return defaultSeconds * 1000;
      const seconds = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new UsageError(`--connect-timeout: "${String(raw)}" is not a number of seconds`);
      return seconds * 1000;
    },
    flags: '--connect-timeout S',
    meaning: `keep retrying hosts that are not reachable yet for S seconds (default ${defaultSeconds}; 0: one attempt)`,
  };
}

/** Another Kinesis endpoint (a local emulator): an http(s) URL, checked the same everywhere. */
export const endpointUrlOption: SharedOption<string | undefined> = {
  declares: { 'endpoint-url': { type: 'string' } },
  read(v) {
    const url = v['endpoint-url'];
    if (url === undefined) return undefined;
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url))
      throw new UsageError(`--endpoint-url: "${String(url)}" is not an http(s) URL`);
    return url;
  },
  flags: '--endpoint-url URL',
  meaning: 'a Kinesis endpoint other than AWS, e.g. the local emulator http://127.0.0.1:4567',
};

/** `--app-dir DIR`: the producer package `up` and `provision` deploy, as an absolute path. */
export const appDirOption: SharedOption<string | undefined> = {
  declares: { 'app-dir': { type: 'string' } },
  read: (v) => (typeof v['app-dir'] === 'string' ? resolve(v['app-dir']) : undefined),
  flags: '--app-dir DIR',
  meaning: 'producer package to deploy (default: producer-app/ of this repository)',
};

/** Which inventory a host command reads: `--inventory FILE`, `--offline`, else the one `up` saved. */
export interface InventoryChoice {
  readonly offline: boolean;
  readonly inventory?: string;
}

/**
 * `--inventory FILE` and `--offline` (the offline lab's inventory), one choice for every
 * host command (status, tail, logs, ssh, handout): the two name two inventories, so giving
 * both is refused here, once, before anything is read.
 */
export const inventoryOption: SharedOption<InventoryChoice> = {
  declares: { inventory: { type: 'string' }, offline: { type: 'boolean' } },
  read(v) {
    const offline = v.offline === true;
    const inventory = typeof v.inventory === 'string' ? v.inventory : undefined;
    if (offline && inventory !== undefined)
      throw new UsageError('--offline and --inventory name two inventories: give one');
    return inventory === undefined ? { offline } : { offline, inventory };
  },
  flags: '--inventory FILE | --offline',
  meaning: "another inventory than the one `streamlab up` saved, or the offline lab's",
};

/**
 * The global `--config FILE` (the dispatcher takes it from anywhere on the line), here only
 * for its help line; commands read the file through scripts/cli/command-config.ts.
 */
export const configOption = {
  flags: '--config FILE',
  meaning: 'lab config (default: $STREAMLAB_CONFIG, else ./streamlab.yaml)',
} as const;

/**
 * Parses a command line of the command's own options and the shared ones it names:
 * `values` holds the own ones as parseArgs gives them, `options` the shared ones read
 * through their rules (keyed as the command named them).
 */
export function parseCommandLine<
  O extends Declarations,
  S extends Readonly<Record<string, SharedOption<unknown>>>,
>(args: string[], own: O, shared: S, allowPositionals = false) {
  const declared = Object.assign({}, ...Object.values(shared).map((s) => s.declares), own) as O;
  const { values, positionals } = parseOptions(args, declared, allowPositionals);
  const options = Object.fromEntries(
    Object.entries(shared).map(([key, option]) => [key, option.read(values as OptionValues)]),
  ) as { [K in keyof S]: S[K] extends SharedOption<infer T> ? T : never };
  return { values, positionals, options };
}

const HELP_WIDTH = 90;

/**
 * An option's lines for a help text: two spaces, the flags padded so the meaning starts at
 * `column` (each help text aligns its own), the meaning (and `more`) wrapped at 90 columns.
 */
export function optionHelp(
  option: { readonly flags: string; readonly meaning: string },
  column: number,
  more = '',
): string {
  const lines: string[] = [];
  let line = `  ${option.flags}`.padEnd(column - 1);
  for (const word of `${option.meaning}${more}`.split(' ')) {
    if (line.length + 1 + word.length > HELP_WIDTH && line.trim() !== '') {
      lines.push(line);
      line = ' '.repeat(column - 1);
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}
