/**
 * The one runner of local programs: what each shape promises about exit statuses, stdin,
 * timeouts and children that live on. Real `sh` children, no mocks: the promises are about
 * how processes behave.
 */
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CommandFailed,
  run,
  runAttached,
  runSync,
  sleep,
  start,
  startDetached,
} from '../../../process/run';

const sh = (script: string) => ['sh', '-c', script];

describe('run', () => {
  it('collects stdout and stderr, feeds input on stdin', async () => {
    const r = await run(sh('cat; echo oops >&2'), { input: 'secret\n' });
    expect(r).toEqual({ stdout: 'secret\n', stderr: 'oops\n', code: 0 });
  });

  it("a non-zero exit is a CommandFailed carrying the program's stderr", async () => {
    const e = await run(sh('echo no such thing >&2; exit 3')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CommandFailed);
    expect((e as CommandFailed).result.code).toBe(3);
    expect((e as Error).message).toMatch(/exited with 3: no such thing/);
  });

  it('allowFailure resolves with the status instead', async () => {
    expect((await run(sh('exit 4'), { allowFailure: true })).code).toBe(4);
  });

  it('a missing program rejects with ENOENT', async () => {
    const e = await run(['streamlab-no-such-program']).catch((x: unknown) => x);
    expect((e as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('timeout kills it and says so, keeping what it printed, even with allowFailure', async () => {
    const t0 = Date.now();
    const e = await run(sh('echo partial; exec sleep 5'), {
      timeout: 200,
      allowFailure: true,
    }).catch((x: unknown) => x);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(e).toBeInstanceOf(CommandFailed);
    expect((e as CommandFailed).timeoutMs).toBe(200);
    expect((e as CommandFailed).result.stdout).toBe('partial\n');
    expect((e as Error).message).toMatch(/timed out after 200 ms/);
  });

  it('onLine gets whole lines and says which output each came from', async () => {
    const lines: string[] = [];
    await run(sh('printf "a\\nb"; echo c >&2'), {
      onLine: (l, from) => lines.push(`${from}:${l}`),
    });
    expect(lines.sort()).toEqual(['stderr:c', 'stdout:a', 'stdout:b']);
  });

  it('env and cwd are the ones given', async () => {
    const r = await run(sh('echo "$X $(pwd)"'), {
      env: { X: 'y', PATH: process.env.PATH },
      cwd: '/',
    });
    expect(r.stdout).toBe('y /\n');
  });
});

describe('runSync', () => {
  it('has the same contract, blocking', () => {
    expect(runSync(sh('cat'), { input: 'in' }).stdout).toBe('in');
    expect(() => runSync(sh('echo bad >&2; exit 2'))).toThrow(/exited with 2: bad/);
    expect(runSync(sh('exit 2'), { allowFailure: true }).code).toBe(2);
    expect(() => runSync(sh('exec sleep 5'), { timeout: 100 })).toThrow(/timed out after 100 ms/);
  });
});

describe('runAttached', () => {
  it('resolves with the exit status and a signal that ended it', async () => {
    expect(await runAttached(sh('exit 5'), { output: 'stderr' })).toEqual({ code: 5 });
    expect(await runAttached(sh('kill -TERM $$'), { output: 'stderr' })).toEqual({
      code: 128,
      signal: 'SIGTERM',
    });
  });
});

describe('start', () => {
  it('holds stdin open until endInput, then resolves with what it printed', async () => {
    const seen: string[] = [];
    const child = start(sh('echo ready; cat >/dev/null; echo gone'), {
      holdInput: true,
      onLine: (l) => seen.push(l),
    });
    await sleep(300);
    expect(seen).toEqual(['ready']);
    child.endInput();
    expect(await child.exited).toEqual({ stdout: 'ready\ngone\n', stderr: '', code: 0 });
  });

  it('resolves whatever the exit status; kill sends the signal', async () => {
    const child = start(sh('exec sleep 5'));
    child.kill('SIGINT');
    expect(await child.exited).toMatchObject({ code: 128, signal: 'SIGINT' });
    expect((await start(sh('exit 7')).exited).code).toBe(7);
  });

  it('ownProcessGroup puts it in a group of its own', async () => {
    const child = start(sh('ps -o pgid= -p $$'), { ownProcessGroup: true });
    const { stdout } = await child.exited;
    expect(Number(stdout.trim())).toBe(child.pid);
  });
});

describe('startDetached', () => {
  it('returns the pid of a child in its own session, writing to the log, with only the env given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-run-'));
    const log = join(dir, 'log');
    const fd = openSync(log, 'a');
    const pid = startDetached(sh('echo "$X $$ ${HOME:-no-home}"; ps -o sid= -p $$'), {
      logFd: fd,
      env: { X: 'x', PATH: process.env.PATH },
    });
    closeSync(fd);
    const lines = () => readFileSync(log, 'utf8').trim().split('\n');
    for (let i = 0; i < 100 && lines().length < 2; i++) await sleep(20);
    const [first, sid] = lines();
    expect(first).toBe(`x ${pid} no-home`);
    expect(Number(sid!.trim())).toBe(pid);
  });
});
