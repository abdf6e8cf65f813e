import { run } from '../../../process/run';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLock } from '../../../testhost/lock';

describe('machine-wide lock (flock)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets one caller of a process in at a time, in arrival order', async () => {
    const path = join(dir, 'a.lock');
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        withLock(path, async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setImmediate(r));
          order.push(i);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps another process out while held, and lets it in after', async () => {
    const path = join(dir, 'b.lock');
    const probe = async () =>
      (await run(['flock', '--nonblock', path, 'true'], { allowFailure: true })).code;
    const whileHeld = await withLock(path, probe);
    expect(whileHeld).toBe(1); // flock --nonblock fails: we hold it
    expect(await probe()).toBe(0);
  });

  it('releases the lock when the function throws', async () => {
    const path = join(dir, 'c.lock');
    await expect(withLock(path, async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await expect(withLock(path, async () => 'again')).resolves.toBe('again');
  });
});
