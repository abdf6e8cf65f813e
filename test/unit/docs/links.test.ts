/**
 * The README is a newcomer's path into docs/ pages that several people edit: a page renamed or
 * a heading reworded must not leave a link pointing nowhere. Every relative link in the
 * repository's Markdown must name a file that exists and, with a `#fragment`, a heading of
 * that file as GitHub anchors it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** Folders that hold no documentation of ours (installed packages, build output). */
const NOT_OURS = new Set(['node_modules', 'cdktf.out', 'coverage']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || NOT_OURS.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The lines of a Markdown file outside fenced code blocks, where links and headings live. */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
function headingAnchor(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a file offers; a repeated heading gets `-1`, `-2`… as GitHub numbers them. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(readFileSync(file, 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = headingAnchor(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Links to a path in this repository: no scheme (http:, mailto:…), inline code left out. */
function relativeLinks(file: string): string[] {
  return proseLines(readFileSync(file, 'utf8')).flatMap((line) =>
    [...line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)]
      .map((match) => match[1])
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target)),
  );
}

function brokenLinks(file: string): string[] {
  return relativeLinks(file).flatMap((target) => {
    const [path, fragment] = target.split('#', 2);
    const linked = path === '' ? file : resolve(dirname(file), path);
    const where = `${relative(REPO_ROOT, file)}: (${target})`;
    if (!existsSync(linked)) return [`${where} names no file`];
    if (fragment === undefined || !linked.endsWith('.md')) return [];
    return anchorsOf(linked).has(fragment) ? [] : [`${where} names no heading of that page`];
  });
}

describe('links between the Markdown pages', () => {
  it('anchors a heading as GitHub does', () => {
    expect(headingAnchor('Search indexer (S3 → Lambda → OpenSearch)')).toBe(
      'search-indexer-s3--lambda--opensearch',
    );
    expect(headingAnchor('The AWS stack (`stacks/`) and `streamlab synth`')).toBe(
      'the-aws-stack-stacks-and-streamlab-synth',
    );
    expect(headingAnchor('Widgets and `streamlab handout`')).toBe('widgets-and-streamlab-handout');
  });

  it('the README leads to every docs/ page', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const pages = readdirSync(join(REPO_ROOT, 'docs')).filter((name) => name.endsWith('.md'));
    expect(pages.filter((page) => !readme.includes(`](docs/${page})`))).toEqual([]);
  });

  it('every relative link names a file that exists, and a heading of it', () => {
    const files = markdownFiles(REPO_ROOT);
    expect(files.map((file) => relative(REPO_ROOT, file))).toContain('docs/producer.md');
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });
});
