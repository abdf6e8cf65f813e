import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../../../process/which';

describe('which', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-which-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'tool'), '#!/bin/sh\n');
  chmodSync(join(bin, 'tool'), 0o755);
  writeFileSync(join(bin, 'data'), '');

  it('resolves a name on the PATH given, skipping what is not executable', () => {
    expect(which('tool', `/nonexistent::${bin}`)).toBe(join(bin, 'tool'));
    expect(which('data', bin)).toBeUndefined();
    expect(which('missing', bin)).toBeUndefined();
  });

  it('checks a path as it is', () => {
    expect(which(join(bin, 'tool'), '')).toBe(join(bin, 'tool'));
    expect(which(join(bin, 'data'), '')).toBeUndefined();
  });

  it('sbinToo also looks in /usr/sbin and /sbin, where root tools live', () => {
    const tool = readdirSync('/usr/sbin').find((n) => which(`/usr/sbin/${n}`, ''))!;
    expect(which(tool, '')).toBeUndefined();
    expect(which(tool, '', { sbinToo: true })).toBeDefined();
  });
});
