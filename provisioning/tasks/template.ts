/**
 * `{{ name }}` templates, rendered on the operator's machine in one pass: a value is
 * inserted as text and never scanned again, so a variable holding "{{ x }}" stays that text.
 */

/** Renders `{{ name }}` placeholders; an unknown name is an error naming it. */
export function renderTemplate(
  template: string,
  vars: Readonly<Record<string, string | number | boolean>>,
): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(vars, name)) throw new Error(`template variable "${name}" is not defined`);
    return String(vars[name]);
  });
}
