/**
 * A student's own OpenSSH public key (config `students[].publicKey`), checked before it
 * goes into an authorized_keys file on their host. An authorized_keys line can carry
 * options (`command=`, `from=`, `environment=`, `permitopen=`...) and several keys can hide
 * on one config value; neither belongs to "this student's key". So the value must be
 * exactly one key of an accepted type, its base64 blob decoded and checked: the type
 * inside the blob is the type written before it, and the key's size is one OpenSSH
 * considers strong (ed25519; ECDSA on P-256/384/521; RSA with a modulus of 3072 bits or
 * more). What is written to the host is rebuilt from the decoded type and blob, never the
 * text as given (the comment is dropped).
 */
import { controlCharacterIn } from '../provisioning/engine/untrusted-text';

export const MIN_RSA_BITS = 3072;

/** Accepted key types and the length of the public point each ECDSA curve carries. */
const ECDSA_POINT_BYTES: Record<string, number> = {
  nistp256: 65,
  nistp384: 97,
  nistp521: 133,
};
const KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  ...Object.keys(ECDSA_POINT_BYTES).map((c) => `ecdsa-sha2-${c}`),
];

/** Longest line accepted: an RSA key of 16384 bits is about 2.8 KB of base64. */
const MAX_LENGTH = 8192;

/** A checked key: its type and base64 blob, e.g. for `<type> <blob> <our comment>`. */
export interface StudentPublicKey {
  readonly type: string;
  readonly blob: string;
}

/** Reads the length-prefixed fields of an OpenSSH public key blob; undefined if malformed. */
function wireStrings(blob: Buffer): Buffer[] | undefined {
  const fields: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(at);
    at += 4;
    if (at + length > blob.length) return undefined;
    fields.push(blob.subarray(at, at + length));
    at += length;
  }
  return fields;
}

/** Bits of a positive mpint (big-endian, a leading zero byte when the top bit is set). */
function mpintBits(n: Buffer): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

/** Why the blob does not hold a strong key of `type`, or undefined when it does. */
function blobProblem(type: string, blob: Buffer): string | undefined {
  const fields = wireStrings(blob);
  if (!fields || fields.length === 0) return 'its base64 part is not an OpenSSH key blob';
  const inner = fields[0]!.toString('latin1');
  if (inner !== type) return `its key blob says ${JSON.stringify(inner)}, not ${type}`;
  if (type === 'ssh-ed25519') {
    if (fields.length !== 2 || fields[1]!.length !== 32)
      return 'its key blob is not a 32-byte ed25519 key';
    return undefined;
  }
  if (type === 'ssh-rsa') {
    if (fields.length !== 3) return 'its key blob is not an RSA key (exponent, modulus)';
    const bits = mpintBits(fields[2]!);
    if (bits < MIN_RSA_BITS)
      return `its RSA modulus has ${bits} bits; at least ${MIN_RSA_BITS} are required (or use ed25519)`;
    return undefined;
  }
  const curve = type.slice('ecdsa-sha2-'.length);
  if (fields.length !== 3 || fields[1]!.toString('latin1') !== curve)
    return `its key blob is not an ECDSA key on ${curve}`;
  const point = fields[2]!;
  if (point.length !== ECDSA_POINT_BYTES[curve] || point[0] !== 4)
    return `its ECDSA point is not an uncompressed ${curve} point`;
  return undefined;
}

/**
 * The key, or why it is refused (a sentence naming no secret: a public key is not one, but
 * the text may be long, so it is not echoed).
 */
export function parseStudentPublicKey(text: string): StudentPublicKey | { problem: string } {
  if (text.length > MAX_LENGTH)
    return { problem: `is longer than ${MAX_LENGTH} characters: give one public key` };
  // A .pub file's own final newline is fine; any other line break starts a second line.
  const line = text.replace(/\n$/, '');
  const control = controlCharacterIn(line);
  if (control)
    return { problem: `holds control character ${control}: give one public key on one line` };
  const words = line.trim().split(/ +/);
  const [type, base64, ...comment] = words;
  if (!KEY_TYPES.includes(type!)) {
    if (/PRIVATE KEY/.test(line))
      return { problem: 'is a PRIVATE key: give the public key (the .pub file) only' };
    if (/^[A-Za-z0-9-]+(=|,|$)/.test(type!) && words.some((w) => KEY_TYPES.includes(w)))
      return {
        problem:
          'starts with authorized_keys options (such as command= or from=): give the key alone, as in its .pub file',
      };
    return {
      problem: `is not an OpenSSH public key of an accepted type (${KEY_TYPES.join(', ')}), as in "ssh-ed25519 AAAA… comment"`,
    };
  }
  if (base64 === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64))
    return { problem: `has no base64 key after ${type}` };
  const blob = Buffer.from(base64, 'base64');
  if (blob.toString('base64').replace(/=+$/, '') !== base64.replace(/=+$/, ''))
    return { problem: 'its base64 part is not valid base64' };
  // A second key in the "comment" would be one more key on the host.
  if (comment.some((w) => KEY_TYPES.includes(w) || /^AAAA[A-Za-z0-9+/]{16,}/.test(w)))
    return { problem: 'holds more than one key: give exactly one' };
  const problem = blobProblem(type!, blob);
  return problem ? { problem } : { type: type!, blob: base64 };
}
