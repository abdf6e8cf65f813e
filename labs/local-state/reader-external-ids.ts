/**
 * Each student's `sts:ExternalId` for their reader role (config `consumer`): generated
 * here, random and different per student, kept owner-only beside the lab's inventories,
 * and handed to terraform only as the sensitive variable `reader_external_ids`
 * (stacks/variables.ts) and to each student only in their own handout.
 *
 * All reader roles trust one principal (the class's Databricks cluster role): the external
 * id is the one thing telling Ana's notebook from Bruno's, so it must not be shared or
 * guessable. It does end up in the Terraform state, inside each role's trust policy: IAM
 * keeps it there and terraform records the role's attributes; the state is owner-only
 * (private-file.ts) and plans print it as "(sensitive value)".
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OperationalError } from '../../config/errors';
import { refuseSymlinks } from '../../config/no-follow';
import { labStateDir } from './paths';
import { writePrivateFileAtomic } from './private-file';

/** 24 random bytes, base64url: 32 characters AWS accepts in an ExternalId ([\w+=,.@:/-]). */
const ID_BYTES = 24;
const ID_PATTERN = /^[\w-]{32}$/;

export function readerExternalIdsPath(labName: string, baseDir = process.cwd()): string {
  return join(labStateDir(labName, baseDir), 'reader-external-ids.json');
}

export const newReaderExternalId = () => randomBytes(ID_BYTES).toString('base64url');

/** The stored ids (empty before the first `up`); a damaged file is an error, never replaced. */
export function storedReaderExternalIds(
  labName: string,
  baseDir = process.cwd(),
): Record<string, string> {
  const file = readerExternalIdsPath(labName, baseDir);
  // A planted link to a file of the planter's would hand the roles ids they know.
  refuseSymlinks(file, baseDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const valid =
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => typeof v === 'string' && ID_PATTERN.test(v));
  if (!valid) {
    // The roles trust the ids in this file: a new one would lock every notebook out.
    throw new OperationalError(
      `${file} is not a map of student names to reader external ids (values not shown)`,
      {
        hint: 'restore it from a backup; deleting it makes `streamlab up` give every student a new id (their notebooks then need the new handout)',
      },
    );
  }
  return parsed as Record<string, string>;
}

/**
 * The id of every student in `students`, generating (and storing, before terraform sees
 * them) the ones missing; ids of students no longer listed are kept, harmlessly.
 */
export function ensureReaderExternalIds(
  labName: string,
  students: readonly string[],
  baseDir = process.cwd(),
): Record<string, string> {
  const ids = storedReaderExternalIds(labName, baseDir);
  const missing = students.filter((s) => ids[s] === undefined);
  if (missing.length === 0) return ids;
  for (const s of missing) ids[s] = newReaderExternalId();
  writePrivateFileAtomic(
    readerExternalIdsPath(labName, baseDir),
    `${JSON.stringify(ids, null, 2)}\n`,
  );
  return ids;
}
