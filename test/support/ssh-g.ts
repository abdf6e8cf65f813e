/**
 * What OpenSSH makes of an argv, read back by `ssh -G` (its own parser, no connection),
 * and an operator's ~/.ssh/config that turns on everything a hostile host could use: for
 * the tests of every way streamlab runs ssh (`streamlab ssh`, the Ansible inventory).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from '../../process/run';

/** `ssh -G`'s output as option → values (list options such as sendenv repeat). */
export function parseSshG(stdout: string): Map<string, string[]> {
  const config = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const [k, ...v] = line.split(' ');
    if (k) config.set(k, [...(config.get(k) ?? []), v.join(' ')]);
  }
  return config;
}

/**
 * What OpenSSH makes of an argv: `ssh -G` parses it like a connection (reading the config
 * file given, as it would read ~/.ssh/config), then prints the config.
 */
export function sshG(
  args: string[],
  configFile = '/dev/null',
): {
  code: number | null;
  config: Map<string, string>;
  all: Map<string, string[]>;
  stderr: string;
} {
  const r = runSync(['ssh', '-G', '-F', configFile, ...args], { allowFailure: true });
  const all = parseSshG(r.stdout);
  const config = new Map([...all].map(([k, v]) => [k, v[0]!]));
  return { code: r.code, config, all, stderr: r.stderr };
}

/**
 * An operator's ~/.ssh/config that hands everything to any host: agent, X display, port
 * and tunnel forwarding, a local command, Kerberos credentials, a shared connection,
 * other sources of host keys, and the AWS credentials of the environment.
 */
export const HOSTILE_CONFIG = `Host *
  ForwardAgent yes
  IdentityAgent /tmp/operator-agent.sock
  AddKeysToAgent yes
  ForwardX11 yes
  ForwardX11Trusted yes
  LocalForward 5555 127.0.0.1:22
  RemoteForward 6666 127.0.0.1:22
  DynamicForward 7777
  PermitRemoteOpen any
  Tunnel yes
  PermitLocalCommand yes
  LocalCommand touch /tmp/streamlab-localcommand-ran
  GSSAPIAuthentication yes
  GSSAPIDelegateCredentials yes
  ControlMaster auto
  ControlPath /tmp/cm-%C
  ControlPersist yes
  KnownHostsCommand /bin/echo 10.0.0.5 ssh-ed25519 AAAA
  VerifyHostKeyDNS yes
  SendEnv AWS_* STREAMLAB_*
  SetEnv AWS_SECRET_ACCESS_KEY=from-config
`;

/** Each option the hostile config turns on, as `ssh -G` prints it once our argv is read. */
export const LOCKED_DOWN: Record<string, string | undefined> = {
  forwardagent: 'no',
  identityagent: 'none',
  addkeystoagent: 'false',
  forwardx11: 'no',
  forwardx11trusted: 'no',
  clearallforwardings: 'yes',
  permitremoteopen: 'none',
  tunnel: 'false',
  permitlocalcommand: 'no',
  gssapiauthentication: 'no',
  gssapidelegatecredentials: 'no',
  controlmaster: 'false',
  controlpath: undefined,
  controlpersist: 'no',
  knownhostscommand: undefined,
  verifyhostkeydns: 'false',
  setenv: 'STREAMLAB_SSH=1',
};

export function hostileConfigFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-ssh-config-'));
  writeFileSync(join(dir, 'config'), HOSTILE_CONFIG);
  return join(dir, 'config');
}
