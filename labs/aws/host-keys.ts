/**
 * Host-key pinning from the EC2 console. cloud-init's `write-ssh-key-fingerprints` helper
 * prints the host's SSH key fingerprints (through `logger -s`, so each line may carry a
 * syslog header such as `<14>Dec  1 17:59:12 cloud-init: `, or the older bare `ec2: `)
 * between BEGIN/END markers, then the public keys themselves (plain lines) in a second
 * block. Reading both through the EC2 API (an authenticated channel) lets the first SSH
 * connection verify the host instead of trusting whatever answers.
 *
 * The parser is one pass over the lines with bounded work per line: console logs reach
 * megabytes, and a host printing many BEGIN lines must not make the scan quadratic.
 */
import { fingerprintOf } from '../../provisioning/engine/host-key';

export type HostKeyType = 'ED25519' | 'ECDSA' | 'RSA' | 'DSA';

/** Fingerprints by key type, e.g. `{ ED25519: 'SHA256:abc…' }`. */
export type HostKeyFingerprints = Partial<Record<HostKeyType, string>>;

/** Public keys by type as a known_hosts key field: `"ssh-ed25519 AAAA…"` (no comment). */
export type HostPublicKeys = Partial<Record<HostKeyType, string>>;

export interface ConsoleHostKeys {
  /** From the last complete fingerprint block. */
  readonly fingerprints: HostKeyFingerprints;
  /** Keys of the last complete key block whose SHA256 equals their printed fingerprint. */
  readonly publicKeys: HostPublicKeys;
  /** Types whose printed key does not hash to the printed fingerprint (refuse to pin). */
  readonly mismatched: readonly HostKeyType[];
}

const FINGERPRINT_BLOCK = 'SSH HOST KEY FINGERPRINTS-----';
const KEY_BLOCK = 'SSH HOST KEY KEYS-----';
/** Longer lines cannot be a fingerprint or key line we pin (RSA 16384 is ~2.8 kB). */
const MAX_LINE = 4096;

const KEY_ALGORITHMS: Readonly<Record<string, HostKeyType>> = {
  'ssh-ed25519': 'ED25519',
  'ecdsa-sha2-nistp256': 'ECDSA',
  'ecdsa-sha2-nistp384': 'ECDSA',
  'ecdsa-sha2-nistp521': 'ECDSA',
  'ssh-rsa': 'RSA',
  'ssh-dss': 'DSA',
};

// The tail of `ssh-keygen -l` output: "SHA256:<43 base64> <comment> (<TYPE>)".
const FINGERPRINT_TAIL = /^(SHA256:[A-Za-z0-9+/]{43})=?\s.*\((ED25519|ECDSA|RSA|DSA)\)\s*$/;

/**
 * "256 SHA256:… root@ip (ED25519)" with anything before the bits: nothing, "ec2: ",
 * "cloud-init: " or a syslog header. Undefined for any other line.
 */
function fingerprintLine(line: string): [HostKeyType, string] | undefined {
  const at = line.indexOf(' SHA256:');
  if (at < 1) return undefined;
  let bitsStart = at;
  while (
    bitsStart > 0 &&
    line.charCodeAt(bitsStart - 1) >= 48 &&
    line.charCodeAt(bitsStart - 1) <= 57
  )
    bitsStart--;
  if (bitsStart === at) return undefined; // no bit count
  if (bitsStart > 0 && !/[\s:]/.test(line[bitsStart - 1]!)) return undefined;
  const m = FINGERPRINT_TAIL.exec(line.slice(at + 1));
  return m ? [m[2] as HostKeyType, m[1]!] : undefined;
}

/** SSH wire format: the blob starts with the algorithm name as a length-prefixed string. */
function blobNames(blob: Buffer, algorithm: string): boolean {
  if (blob.length < 4) return false;
  const n = blob.readUInt32BE(0);
  return n === algorithm.length && blob.subarray(4, 4 + n).toString('latin1') === algorithm;
}

/** "ssh-ed25519 AAAA… root@ip" (anything before the algorithm is ignored). */
function publicKeyLine(line: string): [HostKeyType, string, Buffer] | undefined {
  const fields = line.trim().split(/\s+/);
  const i = fields.findIndex((f) => Object.hasOwn(KEY_ALGORITHMS, f));
  if (i === -1) return undefined;
  const algorithm = fields[i]!;
  const b64 = fields[i + 1];
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const blob = Buffer.from(b64, 'base64');
  if (!blobNames(blob, algorithm)) return undefined;
  return [KEY_ALGORITHMS[algorithm]!, `${algorithm} ${b64}`, blob];
}

type Block<T> = Partial<Record<HostKeyType, T>>;

/**
 * Collects the entries of the last complete BEGIN…END block named by `marker`. A BEGIN
 * restarts the block (the text before it was a block cut short); a block with no END
 * is never returned.
 */
class BlockReader<T> {
  private open: Block<T> | undefined;
  last: Block<T> | undefined;
  constructor(
    private readonly marker: string,
    private readonly entry: (line: string) => [HostKeyType, T] | undefined,
  ) {}

  /** Feeds one line; true when the line belonged to this block kind. */
  feed(line: string): boolean {
    if (line.includes(`-----BEGIN ${this.marker}`)) {
      this.open = {};
      return true;
    }
    if (line.includes(`-----END ${this.marker}`)) {
      if (this.open) this.last = this.open;
      this.open = undefined;
      return true;
    }
    if (!this.open) return false;
    const e = this.entry(line);
    if (!e) return false; // kernel, systemd or other lines interleaved on the console
    this.open[e[0]] = e[1];
    return true;
  }
}

/**
 * Reads the newest fingerprint and key blocks of a console log (a rebooted host prints
 * them again; the newest describes the running sshd). Undefined when cloud-init has not
 * printed a complete fingerprint block yet.
 */
export function parseConsoleHostKeys(consoleText: string): ConsoleHostKeys | undefined {
  const fingerprints = new BlockReader<string>(FINGERPRINT_BLOCK, fingerprintLine);
  const keys = new BlockReader<[string, Buffer]>(KEY_BLOCK, (line) => {
    const k = publicKeyLine(line);
    return k && [k[0], [k[1], k[2]]];
  });
  let start = 0;
  while (start <= consoleText.length) {
    let end = consoleText.indexOf('\n', start);
    if (end === -1) end = consoleText.length;
    if (end - start <= MAX_LINE) {
      const line = consoleText.slice(start, end).replace(/\r+$/, '');
      if (!fingerprints.feed(line)) keys.feed(line);
    }
    start = end + 1;
  }
  const printed = fingerprints.last;
  if (!printed || Object.keys(printed).length === 0) return undefined;
  const publicKeys: HostPublicKeys = {};
  const mismatched: HostKeyType[] = [];
  for (const [type, [key, blob]] of Object.entries(keys.last ?? {}) as [
    HostKeyType,
    [string, Buffer],
  ][]) {
    const want = printed[type];
    if (want === undefined) continue; // a key whose fingerprint was not printed: unverified
    if (fingerprintOf(blob) === want) publicKeys[type] = key;
    else mismatched.push(type);
  }
  return { fingerprints: printed, publicKeys, mismatched };
}

/** The fingerprints alone (see parseConsoleHostKeys). */
export function parseConsoleFingerprints(consoleText: string): HostKeyFingerprints | undefined {
  return parseConsoleHostKeys(consoleText)?.fingerprints;
}

const PREFERENCE: readonly HostKeyType[] = ['ED25519', 'ECDSA', 'RSA'];

/**
 * The fingerprint to pin: ED25519, which the SSH client offers first, else ECDSA, else RSA.
 * The provisioner compares it with the key the server presents and refuses a mismatch.
 */
export function preferredFingerprint(f: HostKeyFingerprints): string | undefined {
  const type = PREFERENCE.find((t) => f[t] !== undefined);
  return type && f[type];
}

/** What to pin: the preferred type's fingerprint and, when the console printed it, its key. */
export function preferredPin(
  keys: ConsoleHostKeys,
): { fingerprint: string; publicKey?: string } | undefined {
  const type = PREFERENCE.find((t) => keys.fingerprints[t] !== undefined);
  if (!type) return undefined;
  const publicKey = keys.publicKeys[type];
  return { fingerprint: keys.fingerprints[type]!, ...(publicKey ? { publicKey } : {}) };
}
