/**
 * Text diffs for --diff: a line-level LCS rendered as unified-style hunks. Secret files
 * are never rendered, only said to differ.
 */
import type { FileDiff } from './task';

const MAX_LINES = 4_000;
const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; line: string };

function lineOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ kind: '-', line: a[i++]! });
    } else {
      ops.push({ kind: '+', line: b[j++]! });
    }
  }
  return ops;
}

const split = (s: string | undefined) =>
  s === undefined || s === '' ? [] : s.replace(/\n$/, '').split('\n');

/** Renders one file's change; `(absent)` stands for a file that does not exist. */
export function renderDiff(d: FileDiff): string {
  const header = `--- ${d.before === undefined ? '(absent)' : d.path}\n+++ ${d.after === undefined ? '(absent)' : d.path}`;
  if (d.secret) return `${header}\n(secret file: content not shown)`;
  const a = split(d.before);
  const b = split(d.after);
  if (a.length > MAX_LINES || b.length > MAX_LINES)
    return `${header}\n(large file: ${a.length} → ${b.length} lines)`;
  const ops = lineOps(a, b);
  const keep = ops.map(() => false);
  ops.forEach((op, k) => {
    if (op.kind === ' ') return;
    for (let c = Math.max(0, k - CONTEXT); c <= Math.min(ops.length - 1, k + CONTEXT); c++)
      keep[c] = true;
  });
  const out: string[] = [header];
  let gap = false;
  ops.forEach((op, k) => {
    if (!keep[k]) {
      gap = true;
      return;
    }
    if (gap || out.length === 1) out.push('@@');
    gap = false;
    out.push(`${op.kind}${op.line}`);
  });
  if (out.length === 1) out.push('(content unchanged; mode or owner differs)');
  return out.join('\n');
}
