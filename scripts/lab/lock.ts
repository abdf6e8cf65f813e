/**
 * A machine-wide exclusive lock held by a `flock` child process: the kernel releases it
 * when the holder dies, so a crashed `up` never leaves a stale lock behind (a pid-file
 * lock would need a racy staleness check).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const LOCK_TIMEOUT_S = 120;

export async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  // flock prints once it holds the lock, then `cat` keeps it until we close its stdin.
  const holder = spawn(
    'flock',
    ['--exclusive', '--timeout', String(LOCK_TIMEOUT_S), path, 'sh', '-c', 'echo locked; exec cat'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number>((resolve) => holder.on('close', (code) => resolve(code ?? 1)));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    holder.stderr.on('data', (b: Buffer) => (err += b.toString()));
    holder.stdout.once('data', () => resolve());
    holder.on('error', reject);
    void exited.then((code) =>
      reject(
        new Error(
          `could not take lock ${path} within ${LOCK_TIMEOUT_S}s (flock ${code}) ${err.trim()}`,
        ),
      ),
    );
  });
  try {
    return await fn();
  } finally {
    holder.stdin.end();
    await exited;
  }
}
