/**
 * The one OpenSSH client argv for reaching a host: its key only, strict host key checking
 * against the known_hosts file given (never trust on first use), and `--` before the
 * address. `streamlab ssh`, the integration tests' client and the benchmarks all build it
 * here, so a hardening added once holds for every way we run `ssh`.
 */

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
