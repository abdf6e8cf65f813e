/**
 * The OpenSSH client options that keep the operator's machine from a student-rooted host,
 * whatever the operator's ~/.ssh/config says. Here, below labs/, so that both ways of
 * reaching a host use them: `streamlab ssh` (labs/hosts/ssh-argv.ts) and the Ansible
 * inventory streamlab exports (provisioning/ansible-inventory.ts).
 */

/**
 * What a hostile host could otherwise get from the client, each turned off: the
 * operator's agent and X display, port and tunnel forwarding (also any a config file
 * asks for), a local command run on connecting, Kerberos credentials, a shared connection
 * (a client joining another's master skips our host key checks; a master we opened
 * would carry forwardings others ask for later), and host keys trusted from anywhere but
 * the pinned known_hosts (a KnownHostsCommand, DNS). The user's ProxyCommand/ProxyJump
 * stay: they run the operator's own command and give the host nothing.
 */
export const SSH_CLIENT_LOCKDOWN: readonly string[] = [
  'ForwardAgent=no',
  'IdentityAgent=none',
  'AddKeysToAgent=no',
  'ForwardX11=no',
  'ForwardX11Trusted=no',
  'ClearAllForwardings=yes',
  'PermitRemoteOpen=none',
  'Tunnel=no',
  'PermitLocalCommand=no',
  'GSSAPIAuthentication=no',
  'GSSAPIDelegateCredentials=no',
  'ControlMaster=no',
  'ControlPath=none',
  'ControlPersist=no',
  'KnownHostsCommand=none',
  'VerifyHostKeyDNS=no',
  // SetEnv keeps the first list it is given: this one, which no sshd accepts by default.
  'SetEnv=STREAMLAB_SSH=1',
];
