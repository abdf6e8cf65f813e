/**
 * The one OpenSSH client argv for reaching a host: its key only, strict host key checking
 * against the known_hosts file given (never trust on first use), and `--` before the
 * address. `streamlab ssh`, the integration tests' client and the benchmarks all build it
 * here, so a hardening added once holds for every way we run `ssh`.
 *
 * The host is the student's, root included: nothing of the operator's machine may cross
 * the connection, whatever the operator's ~/.ssh/config (or /etc/ssh/ssh_config) says. For
 * OpenSSH the first value obtained wins and `-o` comes before any file, so the options
 * below override the files. Two list options cannot be overridden that way: `SendEnv` only
 * accumulates (so `sshEnvironment` gives ssh no variable worth sending) and `SetEnv`
 * keeps its first list (so we give it a harmless one).
 */

import { SSH_CLIENT_LOCKDOWN } from '../../provisioning/ssh-lockdown';

export interface SshTarget {
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly privateKeyPath: string;
}

export interface SshArgsOptions {
  /**
   * No prompt ever (a wrong key or a password request fails at once) and a bound on the
   * connect, for callers without a person at the terminal (tests, benchmarks).
   */
  readonly batch?: { readonly connectTimeoutS: number };
}

/**
 * The variables ssh needs (its home, PATH for a ProxyCommand, the terminal and locale)
 * and nothing else: a `SendEnv AWS_*` in a config file then has no credential to send.
 * SSH_AUTH_SOCK goes too, so the agent is not even reachable.
 */
export function sshEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = Object.entries(env).filter(
    ([name]) =>
      /^(HOME|PATH|USER|LOGNAME|TERM|COLORTERM|LANG|LANGUAGE|TZ)$/.test(name) ||
      name.startsWith('LC_'),
  );
  return Object.fromEntries(kept);
}

export function sshArgs(
  host: SshTarget,
  knownHosts: string,
  remote: readonly string[],
  opts: SshArgsOptions = {},
): string[] {
  const batch = opts.batch
    ? ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${opts.batch.connectTimeoutS}`]
    : [];
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
    ...SSH_CLIENT_LOCKDOWN.flatMap((option) => ['-o', option]),
    ...batch,
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
