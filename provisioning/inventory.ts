/**
 * The inventory: one entry per host, the host's record. How to reach it (address, port,
 * user, key, pinned host key) and what it is for (instance id, the stream its producer
 * writes to, the region, the Kinesis endpoint when not AWS's). `streamlab up` writes it
 * from Terraform outputs and the EC2 API, `lab up` for the offline lab; every later
 * command reads it instead of recomputing names from the config. A hand-written entry
 * (what `streamlab lab host up --json` prints; extra keys such as gateway are ignored)
 * needs only the connection fields: a command that needs a stream says so when it is absent.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { InputError, InputFileError } from '../config/errors';
import { readStructuredFile } from '../config/input-file';
import { formatPath } from '../config/load';
import { ENDPOINT_URL, REGION, STREAM_NAME } from '../config/producer-env';
import {
  FINGERPRINT_PATTERN,
  fingerprintOf,
  normalizeFingerprint,
  PUBLIC_KEY_PATTERN,
  type HostKeyPolicy,
} from './engine/host-key';
import type { HostSpec } from './engine/connection';
import { controlCharacterIn } from './engine/untrusted-text';
import { fromAnsibleInventory } from './ansible-inventory';
import { isHostAddress } from './host-address';

/** Bad inventory: exit status 2 like any input the user must fix. */
export class InventoryError extends InputFileError {
  constructor(file: string, problems: string[]) {
    super('inventory', file, problems);
    this.name = 'InventoryError';
  }
}

/** A local path that goes into ssh's argv and into handouts' ssh_config: one line, no controls. */
const pathSchema = z
  .string({ error: 'must be a path' })
  .min(1, { error: 'must not be empty' })
  .max(4096, { error: 'is longer than 4096 characters' })
  .superRefine((v, ctx) => {
    const c = controlCharacterIn(v);
    if (c)
      ctx.addIssue({
        code: 'custom',
        input: v,
        message: `${JSON.stringify(v)} holds the control character ${c}; a path is one line of printable characters`,
      });
  });

const endpointSchema = z
  .string({ error: 'must be a string such as "http://10.200.1.1:4567"' })
  .refine((v) => ENDPOINT_URL.test(v) && /^\S+$/.test(v) && !controlCharacterIn(v), {
    error: (i) =>
      `${JSON.stringify(i.input)} is not an http(s) URL such as "http://10.200.1.1:4567"`,
  });

const inventoryHostSchema = z
  .object({
    name: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
      error: (i) =>
        `${JSON.stringify(i.input)} is not a host name (letters, digits, ".", "_", "-")`,
    }),
    address: z.string({ error: 'must be a string' }).refine(isHostAddress, {
      error: (i) =>
        `${JSON.stringify(i.input)} is not an IPv4/IPv6 address or a host name (letters, digits, inner "-", dots; nothing that could be read as an ssh option or user)`,
    }),
    port: z
      .number({ error: 'must be a number' })
      .int({ error: (i) => `${JSON.stringify(i.input)} is not a whole number` })
      .min(1, { error: (i) => `${JSON.stringify(i.input)} is out of range 1..65535` })
      .max(65535, { error: (i) => `${JSON.stringify(i.input)} is out of range 1..65535` })
      .default(22),
    user: z
      .string({ error: 'must be a string' })
      // POSIX/Debian user names: never starting with "-", at most 32 characters.
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, {
        error: (i) =>
          `${JSON.stringify(i.input)} is not a user name (a-z, 0-9, "_", "-"; starts with a letter or "_"; ≤ 32 characters)`,
      })
      .default('ubuntu'),
    privateKeyPath: pathSchema,
    hostKeyFingerprint: z
      .string({ error: 'must be a string such as "SHA256:…"' })
      .refine((v) => v === '' || FINGERPRINT_PATTERN.test(v), {
        error: (i) =>
          `${JSON.stringify(i.input)} is not a SHA256 fingerprint such as "SHA256:" + 43 base64 characters`,
      })
      .optional(),
    /**
     * The pinned key itself as a known_hosts key field ("ssh-ed25519 AAAA…"), read from
     * the EC2 console next to its fingerprint: ssh and the engine then need no keyscan.
     */
    hostPublicKey: z
      .string({ error: 'must be a string such as "ssh-ed25519 AAAA…"' })
      .regex(PUBLIC_KEY_PATTERN, {
        error: (i) =>
          `${JSON.stringify(i.input)} is not an SSH public key ("ssh-ed25519 AAAA…", without a comment)`,
      })
      .optional(),
    /** An OpenSSH known_hosts file to check the host key against instead of a fingerprint. */
    knownHostsFile: pathSchema.optional(),
    /** The EC2 instance (AWS labs; from the stack's outputs). */
    instanceId: z
      .string({ error: 'must be a string such as "i-0123456789abcdef0"' })
      .regex(/^i-[0-9a-f]{8,17}$/, {
        error: (i) =>
          `${JSON.stringify(i.input)} is not an EC2 instance id ("i-" and 8 or 17 hex digits)`,
      })
      .optional(),
    /** The Kinesis stream the host's producer writes to (named once: at synth, or at `lab up`). */
    stream: z
      .string({ error: 'must be a string' })
      .regex(STREAM_NAME, {
        error: (i) =>
          `${JSON.stringify(i.input)} is not a Kinesis stream name (1-128 letters, digits, "_", ".", "-")`,
      })
      .optional(),
    /** The stream's region. */
    region: z
      .string({ error: 'must be a string such as "us-east-1"' })
      .regex(REGION, {
        error: (i) => `${JSON.stringify(i.input)} is not an AWS region such as "us-east-1"`,
      })
      .optional(),
    /**
     * The Kinesis endpoint of the host's stream; absent = AWS's own. The commands on this
     * machine (status, tail, check, the dashboard) read the stream there, and the host's
     * producer writes there unless producerEndpoint says otherwise.
     */
    endpoint: endpointSchema.optional(),
    /**
     * Where the host's own producer reaches its stream, when not at `endpoint`: offline and
     * in a rehearsal, the host's own port on the Kinesis gate (labs/stream/host-gate.ts),
     * while `endpoint` is the emulator on this machine's loopback, which no host reaches.
     */
    producerEndpoint: endpointSchema.optional(),
  })
  .superRefine((h, ctx) => {
    if (h.hostPublicKey && h.hostKeyFingerprint) {
      const keyFingerprint = fingerprintOf(Buffer.from(h.hostPublicKey.split(' ')[1]!, 'base64'));
      if (keyFingerprint !== normalizeFingerprint(h.hostKeyFingerprint))
        ctx.addIssue({
          code: 'custom',
          path: ['hostPublicKey'],
          input: h.hostPublicKey,
          message: `host ${JSON.stringify(h.name)}: hostPublicKey has fingerprint ${keyFingerprint}, not the pinned ${normalizeFingerprint(h.hostKeyFingerprint)}`,
        });
    }
    if (!h.hostKeyFingerprint && !h.knownHostsFile) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostKeyFingerprint'],
        input: h.hostKeyFingerprint,
        message: `host ${JSON.stringify(h.name)} has no pinned host key: give hostKeyFingerprint ("SHA256:…") or knownHostsFile (host keys are never trusted on first use)`,
      });
    }
  });

export const inventorySchema = z.strictObject({
  hosts: z
    .array(inventoryHostSchema, { error: 'must be a list of hosts' })
    .min(1, { error: 'must list at least one host' })
    .superRefine((hosts, ctx) => {
      const seen = new Set<string>();
      hosts.forEach((h, i) => {
        if (seen.has(h.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            input: h.name,
            message: `${JSON.stringify(h.name)} is listed twice`,
          });
        }
        seen.add(h.name);
      });
    }),
});

export type InventoryHost = z.output<typeof inventoryHostSchema>;
export type Inventory = z.output<typeof inventorySchema>;

/** The record fields a command may need and a hand-written entry may lack. */
export type RecordField = 'stream' | 'region';

/** What to say when host H's entry lacks FIELD: the host, the field, the way out. */
export function missingFieldMessage(h: Pick<InventoryHost, 'name'>, field: RecordField): string {
  return `host ${JSON.stringify(h.name)}: its inventory entry has no ${field} (field "${field}"); add it, or use the inventory \`streamlab up\` or \`streamlab lab up\` wrote`;
}

/** A record field a command needs (a host's stream, its region), or an input error naming both. */
export function recordField(host: InventoryHost, field: RecordField): string {
  const value = host[field];
  if (!value) throw new InputError(missingFieldMessage(host, field));
  return value;
}

export function parseInventory(raw: unknown, file = '<inline>'): Inventory {
  const result = inventorySchema.safeParse(raw);
  if (result.success) return result.data;
  throw new InventoryError(
    file,
    result.error.issues.map((issue) => {
      const where = formatPath(issue.path);
      if (issue.code === 'unrecognized_keys')
        return `${where}: unknown key(s) ${issue.keys.join(', ')}; allowed: hosts`;
      return `${where}: ${issue.message}`;
    }),
  );
}

/**
 * Ours has a list under `hosts`; Ansible's YAML inventory is a mapping of groups (`all:`,
 * each with hosts, children and vars).
 */
function isAnsibleInventory(raw: unknown): raw is Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !('hosts' in raw);
}

/**
 * Reads a YAML or JSON inventory, ours or Ansible's YAML one; relative key and known_hosts
 * paths are relative to the file.
 */
export function loadInventory(file: string): Inventory {
  let raw = readStructuredFile(file, (problems) => new InventoryError(file, problems));
  if (isAnsibleInventory(raw)) {
    const { hosts, problems } = fromAnsibleInventory(raw);
    if (problems.length > 0) throw new InventoryError(file, problems);
    raw = { hosts };
  }
  const inv = parseInventory(raw, file);
  const base = dirname(resolve(file));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    hosts: inv.hosts.map((h) => ({
      ...h,
      privateKeyPath: abs(h.privateKeyPath),
      ...(h.knownHostsFile ? { knownHostsFile: abs(h.knownHostsFile) } : {}),
    })),
  };
}

/**
 * The connection spec of an inventory entry: the pinned public key first, else the pinned
 * fingerprint, else known_hosts.
 */
export function hostSpecOf(h: InventoryHost): HostSpec {
  const hostKey: HostKeyPolicy = h.hostPublicKey
    ? { kind: 'public-key', key: h.hostPublicKey }
    : h.hostKeyFingerprint
      ? { kind: 'fingerprint', fingerprint: normalizeFingerprint(h.hostKeyFingerprint) }
      : { kind: 'known-hosts', file: h.knownHostsFile! };
  return {
    name: h.name,
    address: h.address,
    port: h.port,
    user: h.user,
    privateKeyPath: h.privateKeyPath,
    hostKey,
  };
}
