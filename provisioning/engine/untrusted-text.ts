/**
 * Text we did not write: inventory and config values from a shared file, what a host
 * prints, what a stream carries. Two jobs, one definition of "control character":
 * - `controlCharacterIn` finds one in a value headed for argv or a file format, so the
 *   schema can refuse it (a newline in ssh_config is a new directive);
 * - `terminalSafe` makes every one visible before the text reaches a terminal, where an
 *   ESC starts a command (OSC 52 writes the clipboard, CSI 2J clears the screen);
 *   `terminalSafeJson` and `terminalSafeDecoder` are the same for `--json` and for streams.
 */
import { StringDecoder } from 'node:string_decoder';

// C0 controls, DEL, C1 controls, and the bidi overrides/isolates that reorder what is shown.
// Matching control characters is the point here.
/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const CONTROL_EXCEPT_LAYOUT =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// What JSON.stringify leaves raw (it escapes only U+0000-U+001F); only legal inside strings.
const RAW_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/** `\x1b` for one control character, `\u202e` for the bidi ones. */
export function escapedControl(c: string): string {
  const code = c.codePointAt(0)!;
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The first control character in `value`, escaped (e.g. `\x0a`), or undefined. */
export function controlCharacterIn(value: string): string | undefined {
  const m = CONTROL.exec(value);
  return m ? escapedControl(m[0]) : undefined;
}

/**
 * `text` as a terminal may show it: newlines and tabs kept, every other control character
 * written out as `\xNN`/`\uNNNN` so it is seen and never executed.
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL_EXCEPT_LAYOUT, escapedControl);
}

/**
 * `JSON.stringify(value)` for a terminal: the same value when parsed (`--json` stays exact),
 * with DEL, C1 and bidi controls written as `\uNNNN` escapes like the C0 ones already are.
 */
export function terminalSafeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(
    RAW_IN_JSON,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
}

/**
 * `terminalSafe` for a byte stream cut anywhere (SSH channel data): a UTF-8 character split
 * across chunks is decoded whole, so nothing is escaped or let through half.
 */
export function terminalSafeDecoder(): { write(chunk: Buffer): string; end(): string } {
  const decoder = new StringDecoder('utf8');
  return {
    write: (chunk) => terminalSafe(decoder.write(chunk)),
    end: () => terminalSafe(decoder.end()),
  };
}
