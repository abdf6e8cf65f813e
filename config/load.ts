/**
 * Reads streamlab.yaml (or .json), validates it against the one schema, and turns
 * every problem into a line that names the path and the offending value.
 */
import type { z } from 'zod';
import { ConfigError } from './errors';
import { parseStructuredText, readStructuredFile } from './input-file';
import { dirname, resolve } from 'node:path';
import { localPathsFrom } from './host-tasks';
import { labConfigSchema, type LabConfig } from './schema';

export const DEFAULT_CONFIG_FILE = 'streamlab.yaml';

export { ConfigError } from './errors';

/**
 * `students[2]`, `stream.shards`, `tags["aws:x"]` (a key that is not a plain word is
 * quoted, so an empty or odd tag key stays visible), or `(top level)` for the root.
 */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (!/^[A-Za-z_][\w-]*$/.test(String(key))) out += `[${JSON.stringify(String(key))}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known key closest to a typo, if it is close enough to be a likely meaning. */
export function closestKey(typo: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(typo.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, Math.floor(typo.length / 3)) ? best : undefined;
}

/** Keys the schema accepts at a path (for "did you mean" on unknown keys). */
function knownKeysAt(path: ReadonlyArray<PropertyKey>): string[] {
  let schema: unknown = labConfigSchema;
  for (const key of path) {
    schema = unwrap(schema);
    const def = (schema as { def?: { shape?: Record<string, unknown>; element?: unknown } }).def;
    if (typeof key === 'number') schema = def?.element;
    else schema = def?.shape?.[String(key)];
  }
  const shape = (unwrap(schema) as { def?: { shape?: Record<string, unknown> } })?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: unknown): unknown {
  // Peel defaults, optionals, pipes and refinements down to the object or array.
  let s = schema as { def?: { innerType?: unknown; in?: unknown; type?: string } } | undefined;
  for (let i = 0; i < 10 && s?.def; i++) {
    const next = s.def.innerType ?? s.def.in;
    if (!next) break;
    s = next as typeof s;
  }
  return s;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    return issue.keys.map((k) => {
      const hint = closestKey(k, known);
      const path = formatPath([...issue.path, k]);
      return `${path}: unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; allowed here: ${known.join(', ')}`;
    });
  }
  if (issue.code === 'invalid_union') {
    // The branch the value was meant for (not the ones refusing its type outright) says
    // what is wrong with it; a value no branch takes gets the union's own message.
    const meant = issue.errors.filter(
      (branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0),
    );
    if (meant.length === 1)
      return meant[0]!.flatMap((i) =>
        describeIssue({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue, input),
      );
  }
  const value = valueAt(input, issue.path);
  if (value === undefined && issue.code === 'invalid_type') return [`${where}: is required`];
  return [`${where}: ${issue.message}`];
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Validates an already-parsed object; throws ConfigError listing every problem. */
export function parseConfig(raw: unknown, file = '<inline>'): LabConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, [
      '(top level): must be a mapping of keys such as name, region, operatorCidr',
    ]);
  }
  const result = labConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    file,
    result.error.issues.flatMap((issue) => describeIssue(issue, raw)),
  );
}

/** Parses YAML or JSON text (JSON is YAML, but .json files get JSON's stricter reading). */
export function parseConfigText(text: string, file: string): LabConfig {
  return parseConfig(
    parseStructuredText(text, file, (problems) => new ConfigError(file, problems)),
    file,
  );
}

/** Loads the config file; `file` defaults to ./streamlab.yaml. Local paths in it are relative to it. */
export function loadConfig(file: string = DEFAULT_CONFIG_FILE): LabConfig {
  const raw = readStructuredFile(
    file,
    (problems) => new ConfigError(file, problems),
    'no such file (create one with `streamlab init`, copy streamlab.example.yaml, or pass --config FILE)',
  );
  const config = parseConfig(raw, file);
  const { hosts, problems } = localPathsFrom(config.hosts, dirname(resolve(file)));
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { ...config, hosts };
}
