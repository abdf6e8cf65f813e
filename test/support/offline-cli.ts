/** The real `streamlab` CLI as the offline lab's tests run it: its hosts under `runParent`. */
import { join } from 'node:path';
import { runSync } from '../../process/run';

export const CLI = join(__dirname, '../../scripts/streamlab.js');

export function offlineCli(runParent: string) {
  return (cwd: string, ...args: string[]) => {
    const r = runSync([process.execPath, CLI, ...args], {
      cwd,
      allowFailure: true,
      env: { ...process.env, STREAMLAB_RUN_DIR: runParent },
      timeout: 600_000,
    });
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
  };
}
