/**
 * A run dir of a test file's own (STREAMLAB_RUN_DIR), so that no other suite's
 * `down --all` takes its hosts. Jest workers share process.env across test files: the
 * returned function puts the previous value back (call it in afterAll).
 */
export function useOwnRunDir(dir: string): () => void {
  const previous = process.env.STREAMLAB_RUN_DIR;
  process.env.STREAMLAB_RUN_DIR = dir;
  return () => {
    if (previous === undefined) delete process.env.STREAMLAB_RUN_DIR;
    else process.env.STREAMLAB_RUN_DIR = previous;
  };
}

/**
 * The test host API for a file that boots its hosts in a run dir of its own: the run dir
 * is set first and the API loaded after it, so nothing in it can have read the default.
 * Call `restoreRunDir` in afterAll.
 */
export function ownTestHosts(dir: string): {
  testhost: typeof import('../../scripts/testhost/api');
  restoreRunDir: () => void;
} {
  const restoreRunDir = useOwnRunDir(dir);
  const testhost =
    require('../../scripts/testhost/api') as typeof import('../../scripts/testhost/api');
  return { testhost, restoreRunDir };
}
