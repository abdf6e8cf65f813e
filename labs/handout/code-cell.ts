/** Values interpolated into a handout's Markdown: refused or escaped, never raw. */
import { InputError } from '../../config/errors';
import { controlCharacterIn } from '../../provisioning/engine/untrusted-text';

/**
 * One value as a Markdown code span inside a table row. A control character (a newline
 * would end the row and start a heading or a `curl … | sh` block of its own) is refused,
 * naming the field; backticks get a longer fence and `|` is escaped, so the value can
 * neither close its span nor its cell.
 */
export function codeCell(field: string, value: string): string {
  const control = controlCharacterIn(value);
  if (control) {
    throw new InputError(
      `${field}: ${JSON.stringify(value)} cannot go into a handout (control character ${control})`,
    );
  }
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${fence}${pad}${value.replace(/\|/g, '\\|')}${pad}${fence}`;
}
