/**
 * A post's text as the page shows it. The browser never parses it as markup (the page sets
 * textContent only); this makes what would still act on the text visible instead: C0/C1
 * controls and ESC sequences, and the bidi overrides, isolates and marks that would reorder
 * the words around them. Each becomes its escape (`\x1b`, `\u202e`), the same spelling
 * `tail` prints in a terminal.
 */
import { escapedControl, terminalSafe } from '../../provisioning/engine/untrusted-text';

/** Marks terminalSafe leaves (they reorder no run of text on their own in a terminal). */
const BIDI_MARKS = /[\u200e\u200f\u061c]/g;

/** Longest text sent to the page: a post is a line on a tile, not a document. */
export const MAX_SHOWN_CHARS = 500;

export function visibleText(text: string, max = MAX_SHOWN_CHARS): string {
  const shown = terminalSafe(text).replace(BIDI_MARKS, escapedControl).replace(/\s+/g, ' ');
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}
