/**
 * The command blocks a doc page marks as a walkthrough, read from the page itself so that
 * the page and the test that runs it cannot drift: a `<!-- walkthrough: TITLE -->` line,
 * then a fenced `sh` block whose lines (blank lines and comments left out) are the
 * commands, in order.
 */
import { readFileSync } from 'node:fs';

export interface Walkthrough {
  readonly title: string;
  readonly commands: readonly string[];
}

const BLOCK = /^<!-- walkthrough: (.+?) -->\n```sh\n([\s\S]*?)\n```$/gm;

export function walkthroughsIn(markdown: string): Walkthrough[] {
  return [...markdown.matchAll(BLOCK)].map(([, title, body]) => ({
    title: title!,
    commands: body!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  }));
}

export const walkthroughsOf = (file: string) => walkthroughsIn(readFileSync(file, 'utf8'));
