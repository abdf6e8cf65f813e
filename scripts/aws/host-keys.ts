/**
 * Host-key pinning from the EC2 console. cloud-init prints the SSH host-key fingerprints
 * of a new Ubuntu host to its serial console between BEGIN/END markers; reading them
 * through the EC2 API (an authenticated channel) lets the first SSH connection verify the
 * host instead of trusting whatever answers.
 */
export type HostKeyType = 'ED25519' | 'ECDSA' | 'RSA' | 'DSA';

/** Fingerprints by key type, e.g. `{ ED25519: 'SHA256:abc…' }`. */
export type HostKeyFingerprints = Partial<Record<HostKeyType, string>>;

const BLOCK =
  /-----BEGIN SSH HOST KEY FINGERPRINTS-----([\s\S]*?)-----END SSH HOST KEY FINGERPRINTS-----/g;
// "256 SHA256:Zx9… root@ip-10-0-0-12 (ED25519)", sometimes prefixed by "ec2: ".
const LINE = /^(?:ec2:\s*)?\d+\s+(SHA256:[A-Za-z0-9+/]+={0,2})\s+.*\((ED25519|ECDSA|RSA|DSA)\)\s*$/;

/**
 * Parses the LAST fingerprint block of a console log (a rebooted host prints it again;
 * the newest one describes the running sshd). Undefined when cloud-init has not printed it yet.
 */
export function parseConsoleFingerprints(consoleText: string): HostKeyFingerprints | undefined {
  const blocks = [...consoleText.matchAll(BLOCK)];
  const last = blocks.at(-1);
  if (!last) return undefined;
  const found: HostKeyFingerprints = {};
  for (const raw of last[1]!.split(/\r?\n/)) {
    const m = LINE.exec(raw.trim());
    if (m) found[m[2] as HostKeyType] = m[1]!;
  }
  return Object.keys(found).length > 0 ? found : undefined;
}

/**
 * The fingerprint to pin: ED25519, which the SSH client offers first, else ECDSA, else RSA.
 * The provisioner compares it with the key the server presents and refuses a mismatch.
 */
export function preferredFingerprint(f: HostKeyFingerprints): string | undefined {
  return f.ED25519 ?? f.ECDSA ?? f.RSA;
}
