/**
 * A machine-wide exclusive lock held by a `flock` child process: the kernel releases it
 * when the holder dies, so a crashed `up` never leaves a stale lock behind (a pid-file
 * lock would need a racy staleness check).
 *
 * Callers in the same process queue in memory and the held lock passes from one to the
 * next: ten parallel `hostUp`s in one process spawn one `flock`, not ten.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { start, type Started } from '../process/run';
import { OperationalError } from '../config/errors';

const LOCK_TIMEOUT_S = 120;

interface PathLock {
  holder?: Started;
  /** Resolves when the previous in-process user is done. */
  tail: Promise<void>;
  waiting: number;
}

const locks = new Map<string, PathLock>();

async function acquire(path: string): Promise<Started> {
  mkdirSync(dirname(path), { recursive: true });
  // flock prints once it holds the lock, then `cat` keeps it until we close its stdin.
  let locked!: () => void;
  const holding = new Promise<void>((resolve) => (locked = resolve));
  const holder = start(
    [
      'flock',
      '--exclusive',
      '--timeout',
      String(LOCK_TIMEOUT_S),
      path,
      'sh',
      '-c',
      'echo locked; exec cat',
    ],
    {
      holdInput: true,
      onLine: (_, from) => {
        if (from === 'stdout') locked();
      },
    },
  );
  // An exit before "locked" is a failure; a later one (the release) settles a race already
  // decided, so its rejection is handled and ignored.
  await Promise.race([
    holding,
    holder.exited.then(({ code, stderr }) => {
      throw new OperationalError(
        `could not take lock ${path} within ${LOCK_TIMEOUT_S}s (flock ${code}) ${stderr.trim()}`,
      );
    }),
  ]);
  return holder;
}

async function release(holder: Started): Promise<void> {
  holder.endInput();
  await holder.exited;
}

export async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  let lock = locks.get(path);
  if (!lock) {
    lock = { tail: Promise.resolve(), waiting: 0 };
    locks.set(path, lock);
  }
  const entry = lock;
  const previous = entry.tail;
  let done!: () => void;
  entry.tail = new Promise<void>((r) => (done = r));
  entry.waiting++;
  try {
    await previous;
    entry.holder ??= await acquire(path);
    return await fn();
  } finally {
    entry.waiting--;
    // Nobody else here wants it: give it back to the other processes.
    if (entry.waiting === 0 && entry.holder) {
      const holder = entry.holder;
      entry.holder = undefined;
      await release(holder);
    }
    done();
  }
}
