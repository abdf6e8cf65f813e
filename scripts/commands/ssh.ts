/**
 * `streamlab ssh HOST [-- CMD...]`: the system ssh, with the host's key and a known_hosts
 * that trusts only the pinned host key (StrictHostKeyChecking=yes: never TOFU silently).
 */
import { spawn } from 'node:child_process';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load';
import { EXIT, parseOptions, UsageError, UserFacingError, type Command } from '../cli/command';
import { chosenInventory } from '../offline-lab/inventory-option';
import { findHost } from '../hosts/inventory-file';
import { pinnedKnownHosts } from '../hosts/known-hosts';
import { usage } from './help/ssh';

/** The ssh argv for a host: key only, strict host key checking against `knownHosts`. */
export function sshArgs(
  host: { address: string; port: number; user: string; privateKeyPath: string },
  knownHosts: string,
  remote: readonly string[],
): string[] {
  return [
    '-i',
    host.privateKeyPath,
    '-p',
    String(host.port),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'UpdateHostKeys=no',
    '-o',
    'PasswordAuthentication=no',
    '-l',
    host.user,
    // "--" before the address: it is the host even if it starts with "-". OpenSSH then
    // parses no option after the host either, so the remote command follows as it is (a
    // second "--" would reach the remote shell as the command's first word).
    '--',
    host.address,
    ...remote,
  ];
}

export const command: Command = {
  path: ['ssh'],
  summary: 'Open a shell on a host (or run a command) with its pinned host key',
  usage,
  async run(args, ctx) {
    const dash = args.indexOf('--');
    const own = dash === -1 ? args : args.slice(0, dash);
    const remote = dash === -1 ? [] : args.slice(dash + 1);
    const { values, positionals } = parseOptions(
      own,
      { inventory: { type: 'string' }, offline: { type: 'boolean' } },
      true,
    );
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? 'name a HOST'
          : `name exactly one HOST; put a remote command after "--" (got ${positionals.join(' ')})`,
      );
    }
    const { inventory } = chosenInventory(values, ctx.configFile, () =>
      loadConfig(ctx.configFile ?? DEFAULT_CONFIG_FILE),
    );
    const host = findHost(inventory, positionals[0]!);
    const known = await pinnedKnownHosts(host);
    try {
      const child = spawn('ssh', sshArgs(host, known.file, remote), { stdio: 'inherit' });
      // The terminal's Ctrl-C belongs to the remote session: ssh handles it, we wait.
      const ignore = () => {};
      process.on('SIGINT', ignore);
      try {
        return await new Promise<number>((resolve, reject) => {
          child.once('error', (e: NodeJS.ErrnoException) =>
            reject(
              e.code === 'ENOENT'
                ? new UserFacingError(
                    'ssh is not installed (Debian/Ubuntu: apt-get install openssh-client)',
                  )
                : e,
            ),
          );
          child.once('close', (code, signal) =>
            resolve(code ?? (signal ? EXIT.interrupted : EXIT.failed)),
          );
        });
      } finally {
        process.off('SIGINT', ignore);
      }
    } finally {
      known.dispose();
    }
  },
};
