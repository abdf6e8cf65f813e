/**
 * What a host prints is bounded (issue 16): a student with root on their host could
 * otherwise make the engine buffer gigabytes. The collector keeps the first bytes up to
 * its limit, counts the rest, and the text says how much was dropped.
 */
import { boundedOutput } from '../../../../provisioning/engine/output-limit';

describe('boundedOutput', () => {
  it('keeps everything under the limit, untouched', () => {
    const o = boundedOutput(10);
    o.push(Buffer.from('hello'));
    o.push(Buffer.from(' you'));
    expect(o.text()).toBe('hello you');
    expect(o.dropped).toBe(0);
  });

  it('keeps the first LIMIT bytes, counts the excess, and says it', () => {
    const o = boundedOutput(8);
    for (let i = 0; i < 1000; i++) o.push(Buffer.from('0123456789'));
    expect(o.dropped).toBe(10_000 - 8);
    expect(o.text()).toBe(
      '01234567\n[streamlab: 9992 more bytes of output were not kept (limit 8 bytes)]',
    );
  });

  it('holds no more than its limit however much arrives', () => {
    const o = boundedOutput(1024);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 256; i++) o.push(chunk); // 16 MiB offered
    expect(o.keptBytes).toBe(1024);
    expect(o.dropped).toBe(16 * 1024 * 1024 - 1024);
  });
});
