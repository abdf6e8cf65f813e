/**
 * The `tags` rules AWS applies (IAM's Tag type, the strictest of the services the lab
 * tags): key 1..128 and value 0..256 characters from letters, separators, digits and
 * `_.:/=+-@`; no key starting with `aws:` in any case; at most 50 tags per resource,
 * counting the ones the stack adds. Checked at load, because AWS checks them mid-apply.
 */

/** AWS's limit of tags on one resource. */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * Tag keys the stack itself puts on a resource: `lab` and `managed-by` on every one
 * (provider default tags), `student` and `Name` on a student's host resources. A test of
 * the synthesized stack keeps this list true.
 */
export const STACK_TAG_KEYS = ['lab', 'managed-by', 'student', 'Name'] as const;

const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
const ALLOWED = /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u;

/** What is wrong with one tag, each a sentence naming the key or value; [] when nothing. */
export function tagProblems(key: string, value: string): string[] {
  const problems: string[] = [];
  const keyLength = [...key].length;
  if (keyLength === 0) problems.push('tag key is empty; AWS requires 1..128 characters');
  else if (keyLength > MAX_KEY_LENGTH) {
    problems.push(`tag key is ${keyLength} characters long; AWS allows 1..${MAX_KEY_LENGTH}`);
  }
  const keyBad = refusedCharacter(key);
  if (keyBad)
    problems.push(`tag key ${JSON.stringify(key)} has ${keyBad} which AWS does not allow`);
  if (key.toLowerCase().startsWith('aws:')) {
    problems.push(`tag key ${JSON.stringify(key)} starts with "aws:", which AWS reserves`);
  }
  const valueLength = [...value].length;
  if (valueLength > MAX_VALUE_LENGTH) {
    problems.push(`tag value is ${valueLength} characters long; AWS allows 0..${MAX_VALUE_LENGTH}`);
  }
  const valueBad = refusedCharacter(value);
  if (valueBad) {
    problems.push(`tag value ${JSON.stringify(value)} has ${valueBad} which AWS does not allow`);
  }
  return problems;
}

/** The first character outside AWS's tag alphabet, quoted, or undefined. */
function refusedCharacter(text: string): string | undefined {
  const bad = [...text].find((ch) => !ALLOWED.test(ch));
  return bad === undefined ? undefined : JSON.stringify(bad);
}

/**
 * A problem when the user's tags and the stack's own would exceed the per-resource limit
 * on some resource (a user tag with a stack key replaces or is replaced, so it counts once).
 */
export function tagCountProblem(keys: readonly string[]): string | undefined {
  const extra = keys.filter((k) => !(STACK_TAG_KEYS as readonly string[]).includes(k)).length;
  const room = MAX_TAGS_PER_RESOURCE - STACK_TAG_KEYS.length;
  if (extra <= room) return undefined;
  return `${keys.length} tags plus the ${STACK_TAG_KEYS.length} streamlab adds (${STACK_TAG_KEYS.join(', ')}) exceed AWS's ${MAX_TAGS_PER_RESOURCE} tags per resource; give at most ${room}`;
}
