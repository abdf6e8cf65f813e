/**
 * How a user runs streamlab, in every `next:` hint and every command the docs give:
 * `npm exec --no -- streamlab …` in the project folder. npm puts node_modules/.bin first on
 * PATH, so the project's own bin runs on the Node.js `npm ci` installed there (the system's
 * may be too old); `--no` means npm never asks the registry, so outside a clone it fails
 * instead of running whatever someone published as "streamlab" (which npx would).
 */
export const STREAMLAB = 'npm exec --no -- streamlab';

/** `streamlab <args>` as the user types it, e.g. streamlab('down') → `npm exec --no -- streamlab down`. */
export function streamlab(args: string): string {
  return `${STREAMLAB} ${args}`;
}
