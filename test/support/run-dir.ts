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
