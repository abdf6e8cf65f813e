/**
 * A run dir of a test file's own, passed to every test host call, so that no other suite's
 * `down --all` takes its hosts. It extends STREAMLAB_RUN_DIR when that is set, so two
 * checkouts testing on one machine (each with a run dir of its own) never share hosts or
 * an apt-cacher-ng (named after the dir's basename); without it, `/run/streamlab-<name>`.
 * Fixed per file, not per pid, so that apt cache is reused between runs.
 */
export function ownRunDir(name: string): string {
  return `${process.env.STREAMLAB_RUN_DIR || '/run/streamlab'}-${name}`;
}
