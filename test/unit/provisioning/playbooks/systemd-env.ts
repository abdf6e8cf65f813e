/**
 * Reads an env file back the way systemd's EnvironmentFile= does for our double-quoted
 * values (env-file.c): inside the quotes only \" \\ \` \$ are escapes and every other
 * character, newlines included, is kept.
 */

/** One `KEY="value"` assignment, unquoted. */
export function systemdUnquote(line: string): [string, string] {
  const eq = line.indexOf('=');
  const key = line.slice(0, eq);
  const body = line.slice(eq + 1);
  expect(body.startsWith('"') && body.endsWith('"')).toBe(true);
  let out = '';
  for (let i = 1; i < body.length - 1; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const n = body[++i]!;
      out += '"\\`$'.includes(n) ? n : `\\${n}`;
    } else out += c;
  }
  return [key, out];
}

/** Every assignment of a whole env file (values may span lines), comments left out. */
export function readEnvFile(content: string): Record<string, string> {
  const lines = content.split(/\n(?=[A-Z_]+=")/).filter((l) => /^[A-Z_]+="/.test(l));
  return Object.fromEntries(lines.map((l) => systemdUnquote(l.replace(/\n$/, ''))));
}
