/**
 * Whose object this is, from its S3 key alone: Firehose writes each student's stream under
 * `students/<student>/` (stacks/constructs/delivery.ts DATA_ROOT; a unit test keeps the two
 * equal) and only that student's delivery role may write there. A record's own fields are
 * written by the student's host, so they never say whose a document is.
 */

/** The lake's root of delivered data; each student's objects are under `<root><student>/`. */
export const STUDENTS_ROOT = 'students/';

/** The config's student names (config/schema.ts DNS_SAFE), kept here to stay out of the bundle's zod. */
const STUDENT_NAME = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** The student whose prefix holds `key`, or undefined for any other key. */
export function studentOfKey(key: string): string | undefined {
  if (!key.startsWith(STUDENTS_ROOT)) return undefined;
  const rest = key.slice(STUDENTS_ROOT.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const student = rest.slice(0, slash);
  return STUDENT_NAME.test(student) ? student : undefined;
}
