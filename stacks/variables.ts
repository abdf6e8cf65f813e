/**
 * The stack's Terraform input variables: values that must not be written into the
 * synthesized JSON (cdktf.out is an ordinary build folder) nor printed by plans. The lab's
 * commands pass them through the environment (`TF_VAR_<name>`), never on argv. No cdktn
 * here: the commands import this without loading it.
 */

/**
 * Map of student to the `sts:ExternalId` of their reader role (config `consumer`), keyed by
 * `readerExternalIdKey(student)`.
 */
export const READER_EXTERNAL_IDS_VARIABLE = 'reader_external_ids';

/**
 * A student's key in the map: "-" becomes "_" so the stack reads it as
 * `var.reader_external_ids.<key>` (student names start with a letter and hold no "_"). An
 * index expression would put quotes inside the trust policy's JSON, which the policy gate
 * then could not read.
 */
export const readerExternalIdKey = (student: string) => student.replace(/-/g, '_');

/** The environment passing the ids to terraform (never argv: /proc/<pid>/cmdline is public). */
export function readerExternalIdsEnv(ids: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const byKey = Object.fromEntries(
    Object.entries(ids).map(([student, id]) => [readerExternalIdKey(student), id]),
  );
  return { [`TF_VAR_${READER_EXTERNAL_IDS_VARIABLE}`]: JSON.stringify(byKey) };
}
