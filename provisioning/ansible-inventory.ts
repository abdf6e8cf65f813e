/**
 * Ansible's YAML inventory, both ways. Out: each host record as Ansible's connection
 * variables, with a known_hosts file holding only the pinned keys so that ssh runs with
 * StrictHostKeyChecking=yes. In: an Ansible inventory's hosts (under any group, vars
 * layered all → group → child group → host, as Ansible does) read into host records;
 * a connection variable streamlab cannot honour (a password, another connection type,
 * ssh options other than the pinned known_hosts) is refused by name, never ignored.
 */
import { quote } from './engine/quote';
import type { InventoryHost } from './inventory';
import { SSH_CLIENT_LOCKDOWN } from './ssh-lockdown';

/** Host variables that carry the record's own fields (what the lab's role needs). */
const RECORD_VARS = {
  streamlab_stream: 'stream',
  streamlab_region: 'region',
  streamlab_endpoint: 'endpoint',
  streamlab_producer_endpoint: 'producerEndpoint',
  streamlab_instance_id: 'instanceId',
} as const;

/** `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=FILE`, each word quoted for Ansible's shlex. */
export function pinnedSshArgs(knownHostsFile: string): string {
  return `-o StrictHostKeyChecking=yes -o ${quote(`UserKnownHostsFile=${knownHostsFile}`)}`;
}

/**
 * `ansible_ssh_args`: Ansible puts these first on ssh's command line, before its own
 * options and the common args, and OpenSSH keeps the first value it reads, so the lockdown
 * wins over the operator's ~/.ssh/config and over Ansible's defaults (which they replace:
 * `-C -o ControlMaster=auto -o ControlPersist=60s`; connection sharing is one of the things
 * locked down). Strict host key checking is repeated here so that an Ansible configured
 * with host_key_checking=False, which adds StrictHostKeyChecking=no before the common
 * args, cannot turn it off.
 */
export const ANSIBLE_SSH_ARGS = [
  '-C',
  ...[...SSH_CLIENT_LOCKDOWN, 'StrictHostKeyChecking=yes'].map((o) => `-o ${quote(o)}`),
].join(' ');

/** The inventory as Ansible reads it: every host under `all`, with its connection variables. */
export function toAnsibleInventory(
  hosts: readonly InventoryHost[],
  knownHostsFile: string,
): { all: { hosts: Record<string, Record<string, string | number>> } } {
  const entries = hosts.map((h) => {
    const vars: Record<string, string | number> = {
      ansible_host: h.address,
      ansible_port: h.port,
      ansible_user: h.user,
      ansible_ssh_private_key_file: h.privateKeyPath,
      ansible_ssh_args: ANSIBLE_SSH_ARGS,
      ansible_ssh_common_args: pinnedSshArgs(knownHostsFile),
    };
    for (const [name, field] of Object.entries(RECORD_VARS)) {
      const value = h[field];
      if (value !== undefined) vars[name] = value;
    }
    return [h.name, vars] as const;
  });
  return { all: { hosts: Object.fromEntries(entries) } };
}

/** Ansible variables streamlab does not need and may ignore: they change nothing it does. */
const IGNORED = new Set([
  'ansible_python_interpreter',
  'ansible_become',
  'ansible_become_method',
  'ansible_become_user',
]);

type Vars = Record<string, unknown>;

/** Splits ssh options as Python's shlex would (quotes and backslashes), for the few we read. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i]!;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i]!;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (word !== undefined) words.push(word);
  return words;
}

/** The options a streamlab inventory writes besides the known_hosts file, lowercase key → value. */
const WRITTEN_OPTIONS = new Map(
  [...SSH_CLIENT_LOCKDOWN, 'StrictHostKeyChecking=yes'].map((o) => {
    const at = o.indexOf('=');
    return [o.slice(0, at).toLowerCase(), o.slice(at + 1)];
  }),
);

/**
 * The known_hosts file of `-o UserKnownHostsFile=F` in `ansible_ssh_args` or
 * `ansible_ssh_common_args`. The options streamlab writes itself (strict checking, the
 * client lockdown, and `-C` in ansible_ssh_args) are read and dropped, since `streamlab
 * ssh` applies them anyway; any other option, or another value of one of them, is refused
 * by name.
 */
function knownHostsFrom(
  variable: string,
  args: string,
  problem: (m: string) => void,
): string | undefined {
  let words: string[];
  try {
    words = shellWords(args);
  } catch (e) {
    problem(`${variable}: ${(e as Error).message}`);
    return undefined;
  }
  let file: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-C' && variable === 'ansible_ssh_args') continue;
    const option = w === '-o' ? words[++i] : w.startsWith('-o') ? w.slice(2) : undefined;
    const m = option === undefined ? undefined : /^([A-Za-z][A-Za-z0-9]*)[= ](.*)$/.exec(option);
    if (!m) {
      problem(
        `${variable}: ${JSON.stringify(w)} is not honoured (streamlab reads only -o UserKnownHostsFile=FILE, -o StrictHostKeyChecking=yes and the options it writes itself)`,
      );
      continue;
    }
    const [, key, value] = m;
    if (key!.toLowerCase() === 'userknownhostsfile') file = value;
    else if (WRITTEN_OPTIONS.get(key!.toLowerCase())?.toLowerCase() !== value!.toLowerCase())
      problem(
        `${variable}: -o ${key}=${value} is not honoured (streamlab always checks the pinned host key, locks the client down and takes no other ssh option)`,
      );
  }
  return file;
}

function isMapping(v: unknown): v is Vars {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The hosts of an Ansible YAML inventory as raw inventory entries (checked afterwards by
 * the inventory schema like any other), and the problems, each naming the host and variable.
 */
export function fromAnsibleInventory(raw: Vars): { hosts: Vars[]; problems: string[] } {
  const problems: string[] = [];
  const hostVars = new Map<string, Vars>();
  const walk = (group: string, node: unknown, inherited: Vars, depth: number) => {
    if (node === null || node === undefined) return;
    if (!isMapping(node) || depth > 20) {
      problems.push(
        `group ${JSON.stringify(group)}: must be a mapping of hosts, children and vars`,
      );
      return;
    }
    for (const key of Object.keys(node))
      if (!['hosts', 'children', 'vars'].includes(key))
        problems.push(
          `group ${JSON.stringify(group)}: unknown key ${JSON.stringify(key)} (an Ansible group has hosts, children and vars)`,
        );
    const vars = { ...inherited, ...(isMapping(node.vars) ? node.vars : {}) };
    if (isMapping(node.hosts))
      for (const [name, own] of Object.entries(node.hosts))
        hostVars.set(name, { ...hostVars.get(name), ...vars, ...(isMapping(own) ? own : {}) });
    if (isMapping(node.children))
      for (const [child, sub] of Object.entries(node.children)) walk(child, sub, vars, depth + 1);
  };
  for (const [group, node] of Object.entries(raw)) walk(group, node, {}, 0);

  const hosts = [...hostVars].map(([name, vars]) => {
    const problem = (m: string) => problems.push(`host ${JSON.stringify(name)}: ${m}`);
    const entry: Vars = { name, address: vars.ansible_host ?? name };
    for (const [key, value] of Object.entries(vars)) {
      if (key === 'ansible_host' || IGNORED.has(key)) continue;
      else if (key === 'ansible_port')
        entry.port = typeof value === 'string' ? Number(value) : value;
      else if (key === 'ansible_user') entry.user = value;
      else if (key === 'ansible_ssh_private_key_file' || key === 'ansible_private_key_file')
        entry.privateKeyPath = value;
      else if (key === 'ansible_connection') {
        if (value !== 'ssh' && value !== 'smart')
          problem(
            `ansible_connection ${JSON.stringify(value)} is not honoured (streamlab connects over ssh only)`,
          );
      } else if (key === 'ansible_ssh_common_args' || key === 'ansible_ssh_args') {
        const file = typeof value === 'string' ? knownHostsFrom(key, value, problem) : undefined;
        if (file !== undefined) entry.knownHostsFile = file;
      } else if (key in RECORD_VARS) entry[RECORD_VARS[key as keyof typeof RECORD_VARS]] = value;
      else if (key.startsWith('ansible_'))
        problem(
          `${key} is not honoured (streamlab reads ansible_host, ansible_port, ansible_user, ansible_ssh_private_key_file, and ansible_ssh_common_args or ansible_ssh_args with UserKnownHostsFile)`,
        );
      // Other variables belong to the user's own playbooks: not streamlab's to read.
    }
    if (entry.privateKeyPath === undefined)
      problem('has no ansible_ssh_private_key_file (streamlab connects with a key only)');
    if (entry.knownHostsFile === undefined)
      problem(
        'has no pinned host key: set ansible_ssh_common_args to "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=FILE" (host keys are never trusted on first use)',
      );
    return entry;
  });
  if (hosts.length === 0) problems.push('lists no hosts');
  return { hosts, problems };
}
