/**
 * The one door for free-form strings into the stack (tags, a key file's comment). Terraform's
 * JSON syntax evaluates `${…}` and `%{…}` in every string, object keys included, so a tag
 * `${file("/etc/passwd")}` would be read by terraform into the tags and the state. Here a
 * user string becomes a literal: `${` is written `$${` and `%{` `%%{`, Terraform's own
 * escapes. Only strings entering through here are escaped: the references cdktn renders
 * (`${aws_subnet.x.id}`) stay live because they never pass this way.
 */
import { StackInputError } from './errors';

// cdktn's token markers (`${TfToken[…]}`, `#{…`, `&{…`) are parsed in any string, even an
// escaped one, and would splice in another value: no escape exists, so they are refused.
const CDKTN_TOKEN = 'TfToken[';

/** `value` as a Terraform literal; `where` names it (e.g. `tags.team`) when refused. */
export function terraformLiteral(where: string, value: string): string {
  if (value.includes(CDKTN_TOKEN))
    throw new StackInputError(
      `${where}: ${JSON.stringify(value)} holds "${CDKTN_TOKEN}", which the synth would read as one of its own references; remove it`,
      2,
    );
  return value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** A string map (tags) with keys and values made literals. */
export function terraformLiteralMap(
  where: string,
  map: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([k, v]) => [
      terraformLiteral(`${where} key ${JSON.stringify(k)}`, k),
      terraformLiteral(`${where}.${k}`, v),
    ]),
  );
}
