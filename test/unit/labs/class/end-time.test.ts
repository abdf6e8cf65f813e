/** The recorded class end: what up writes, status reads, down forgets; the warning line. */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../../config';
import { InputError } from '../../../../config/errors';
import {
  appliedClassEnd,
  assertClassEndAhead,
  classEndLine,
  classEndRecordPath,
  forgetClassEnd,
  recordAppliedClassEnd,
  resolveClassEnd,
} from '../../../../labs/class/end-time';

const base = { name: 'demo', region: 'us-east-1', operatorCidr: '203.0.113.7/32' };
const hours3 = parseConfig({ ...base, class: { hours: 3 } });
const now = new Date('2026-03-02T09:00:00Z');

describe('the recorded class end', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'streamlab-class-end-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('up records the end the stack output says; hours then count from that up, not the next', () => {
    expect(resolveClassEnd(hours3, now, dir)!.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    const end = recordAppliedClassEnd(
      hours3,
      { class_ends_at: { value: '2026-03-02T12:00:00.000Z' } },
      dir,
    );
    expect(end!.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    expect(statSync(classEndRecordPath('demo', dir)).mode & 0o777).toBe(0o600);
    const later = new Date('2026-03-02T10:30:00Z');
    expect(resolveClassEnd(hours3, later, dir)!.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    expect(appliedClassEnd(hours3, dir)!.toISOString()).toBe('2026-03-02T12:00:00.000Z');
  });

  it('is not used once the config sets another end, and down forgets it', () => {
    recordAppliedClassEnd(hours3, { class_ends_at: { value: '2026-03-02T12:00:00.000Z' } }, dir);
    const other = parseConfig({ ...base, class: { hours: 2 } });
    expect(appliedClassEnd(other, dir)).toBeUndefined();
    expect(resolveClassEnd(other, now, dir)!.toISOString()).toBe('2026-03-02T11:00:00.000Z');
    forgetClassEnd('demo', dir);
    expect(existsSync(classEndRecordPath('demo', dir))).toBe(false);
  });

  it('without config `class` nothing is recorded or resolved', () => {
    const plain = parseConfig(base);
    expect(
      recordAppliedClassEnd(plain, { class_ends_at: { value: now.toISOString() } }, dir),
    ).toBeUndefined();
    expect(existsSync(classEndRecordPath('demo', dir))).toBe(false);
    expect(resolveClassEnd(plain, now, dir)).toBeUndefined();
  });
});

describe('classEndLine', () => {
  it('says when, plainly, while more than 30 minutes remain', () => {
    expect(classEndLine(new Date('2026-03-02T11:05:00Z'), now)).toEqual({
      text: 'class ends at 2026-03-02 11:05 UTC (in 2 h 05 min)',
      warning: false,
    });
  });

  it('warns under 30 minutes, and once the end has passed', () => {
    const soon = classEndLine(new Date('2026-03-02T09:29:00Z'), now);
    expect(soon.warning).toBe(true);
    expect(soon.text).toMatch(
      /^class ends at 2026-03-02 09:29 UTC \(in 29 min\): AWS stops every host then/,
    );
    const past = classEndLine(new Date('2026-03-02T08:00:00Z'), now);
    expect(past.warning).toBe(true);
    expect(past.text).toMatch(/\(1 h 00 min ago\): AWS has stopped the hosts/);
  });
});

describe('assertClassEndAhead (before up changes anything)', () => {
  it('refuses an end less than 5 minutes away, naming the field', () => {
    const at = parseConfig({ ...base, class: { endsAt: '2026-03-02T09:04:00Z' } });
    expect(() => assertClassEndAhead(at, new Date('2026-03-02T09:04:00Z'), now)).toThrow(
      InputError,
    );
    expect(() => assertClassEndAhead(at, new Date('2026-03-02T09:04:00Z'), now)).toThrow(
      /^class\.endsAt: the class ends at 2026-03-02T09:04:00.000Z, in 4 min/,
    );
    expect(() => assertClassEndAhead(hours3, new Date('2026-03-02T08:00:00Z'), now)).toThrow(
      /^class\.hours: .*1 h 00 min ago/,
    );
  });

  it('lets a later end through', () => {
    expect(() => assertClassEndAhead(hours3, new Date('2026-03-02T09:05:00Z'), now)).not.toThrow();
  });
});
