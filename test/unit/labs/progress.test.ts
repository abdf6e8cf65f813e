/**
 * Progress lines of the long commands: a step header, prefixed detail lines, a heartbeat
 * only after silence (long EC2 waits), how each step ended, one-line steps and notes.
 * Fake clock and timers.
 */
import { Writable } from 'node:stream';
import { asStep, lineReporter } from '../../../labs/progress';

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return Object.assign(w, { text: () => chunks.join('') });
}

describe('line reporter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('prints a heartbeat only while a step is silent, and how it ended', () => {
    let now = 0;
    const out = sink();
    const err = sink();
    const r = lineReporter({ out, err, heartbeatMs: 30_000, now: () => now });
    const end = r.step('discover 2 host(s)');
    now = 20_000;
    r.line('ec2', 'waiting for EC2 status checks of 2 instance(s)');
    now = 45_000;
    jest.advanceTimersByTime(5_000); // 25 s since the last line: no heartbeat yet
    expect(err.text()).not.toMatch(/still/);
    now = 55_000;
    jest.advanceTimersByTime(5_000); // 35 s of silence
    expect(err.text()).toContain('    … still discover 2 host(s) (55 s)\n');
    now = 60_000;
    end('ok');
    r.result('host lab: ssh ubuntu@ec2-1');
    expect(err.text().split('\n')).toEqual([
      '==> discover 2 host(s)',
      '    ec2 | waiting for EC2 status checks of 2 instance(s)',
      '    … still discover 2 host(s) (55 s)',
      '    done in 60 s',
      '',
    ]);
    expect(out.text()).toBe('host lab: ssh ubuntu@ec2-1\n');
    // The step's timer is gone: no more heartbeats after it ended.
    now = 200_000;
    jest.advanceTimersByTime(60_000);
    expect(err.text()).not.toMatch(/still discover 2 host\(s\) \(1\d\d s\)/);
  });

  it('a one-line step keeps its title and time on one line; notes are printed as given', async () => {
    let now = 0;
    const err = sink();
    const r = lineReporter({ out: sink(), err, now: () => now });
    r.note('changed     lab | apt packages — installed 2 (812 ms)');
    await asStep(r, 'synth lab (1 host)', () => void (now = 520), { oneLine: true });
    expect(err.text()).toBe(
      'changed     lab | apt packages — installed 2 (812 ms)\nsynth lab (1 host) … done in 0.52 s\n',
    );
  });

  it('asStep marks a throwing step as failed and rethrows', async () => {
    const err = sink();
    const r = lineReporter({ out: sink(), err, now: () => 0 });
    await expect(
      asStep(r, 'terraform apply', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(err.text()).toBe('==> terraform apply\n    failed in 0.0 s\n');
  });
});
