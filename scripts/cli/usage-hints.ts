/**
 * What a mistyped command line most likely meant: the closest command name, and our
 * spelling of the single-dash flags users bring from terraform (`-auto-approve`, `-var`).
 */

/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two
 * neighbouring letters (`sytnh` → `synth`) as one edit each.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The command closest to what was typed, compared word for word over the command's
 * length (`lab stauts` → `lab status`), or undefined when nothing is close enough to be
 * a typo (more than a third of the letters wrong).
 */
export function closestCommand(
  words: readonly string[],
  paths: readonly (readonly string[])[],
): string | undefined {
  let best: { path: string; distance: number } | undefined;
  for (const p of paths) {
    const typed = words.slice(0, p.length).join(' ');
    const path = p.join(' ');
    const distance = editDistance(typed, path);
    if (distance > Math.max(1, Math.floor(path.length / 3))) continue;
    if (!best || distance < best.distance) best = { path, distance };
  }
  return best?.path;
}

/** Terraform's flags that mean something here, each with what to type instead. */
const TERRAFORM_FLAGS: Readonly<Record<string, string>> = {
  'auto-approve': 'here it is --yes',
  var: 'streamlab takes no variables: set the value in streamlab.yaml (or another file given with --config FILE)',
  'var-file':
    'streamlab takes no variable files: the lab config is streamlab.yaml, or --config FILE',
  target: 'streamlab plans and applies the whole lab; it has no -target',
  'lock-timeout': 'streamlab waits for terraform state locks itself; there is no such option',
  'no-color': 'streamlab prints colour only on a terminal; there is no such option',
};

/**
 * A hint for a single-dash word such as `-auto-approve` or `-json` (node's parser would
 * read it as a bundle of one-letter flags and complain about `-a`), or undefined for a
 * real short flag (`-f`) or anything after `--`.
 */
export function singleDashHint(
  args: readonly string[],
  options: readonly string[],
): string | undefined {
  for (const arg of args) {
    if (arg === '--') return undefined;
    const m = /^-([a-z][a-z-]+)(=.*)?$/.exec(arg);
    if (!m) continue;
    const name = m[1]!;
    const terraform = TERRAFORM_FLAGS[name];
    if (terraform) return `${arg} is a terraform flag; ${terraform}`;
    if (options.includes(name))
      return `${arg}: options take two dashes here: --${name}${m[2] ?? ''}`;
  }
  return undefined;
}
