import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../../config';
import {
  loadOfflineConfig,
  offlineVariant,
  studentNames,
} from '../../../../labs/offline/lab-config';
import {
  offlineLabRecordPath,
  readOfflineLab,
  removeOfflineLab,
  writeOfflineLab,
  type OfflineLabRecord,
} from '../../../../labs/offline/record';
import { offlineRunDir } from '../../../../labs/offline/run-dir';
import { labStateDir } from '../../../../labs/local-state/paths';

const base = parseConfig({
  name: 'course',
  region: 'eu-west-1',
  operatorCidr: '203.0.113.7/32',
  students: ['ana', 'bruno'],
  producer: { source: 'bluesky', hashtag: '#spark', rate: 4 },
});

describe('offline lab config', () => {
  it('names N students student01..NN, padded so they sort', () => {
    expect(studentNames(3)).toEqual(['student01', 'student02', 'student03']);
    expect(studentNames(100)[99]).toBe('student100');
    expect(studentNames(100)[0]).toBe('student001');
  });

  it('switches to the synthetic source (test hosts have no Internet) and keeps the rest', () => {
    const v = offlineVariant(base);
    expect(v.producer).toEqual({ ...base.producer, source: 'synthetic' });
    expect(v.students).toEqual(['ana', 'bruno']);
    expect(v.name).toBe('course');
    expect(offlineVariant(base, 3).students).toEqual(['student01', 'student02', 'student03']);
  });

  it('uses the example config when the directory has no streamlab.yaml, and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-offline-'));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const fromExample = loadOfflineConfig(undefined);
      expect(fromExample.source).toMatch(/streamlab\.example\.yaml \(no streamlab\.yaml here/);
      expect(fromExample.config.name).toBe('bigdata-lab');
      writeFileSync(
        'streamlab.yaml',
        'name: mine\nregion: us-east-1\noperatorCidr: 203.0.113.7/32\n',
      );
      expect(loadOfflineConfig(undefined)).toEqual(
        expect.objectContaining({ source: 'streamlab.yaml' }),
      );
      expect(loadOfflineConfig(undefined).config.name).toBe('mine');
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('offline lab record', () => {
  const record: OfflineLabRecord = {
    version: 1,
    name: 'course',
    runDir: '/run/streamlab/lab-course',
    hosts: ['ana'],
    region: 'eu-west-1',
    updatedAt: '2026-11-27T00:00:00.000Z',
  };

  it('round-trips, is private (0600), and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-record-'));
    try {
      writeOfflineLab(record, dir);
      expect(readOfflineLab('course', dir)).toEqual(record);
      const file = offlineLabRecordPath('course', dir);
      expect(require('node:fs').statSync(file).mode & 0o777).toBe(0o600);
      expect(require('node:fs').readdirSync(join(file, '..'))).toEqual(['offline-lab.json']);
      removeOfflineLab('course', dir);
      expect(readOfflineLab('course', dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not a record, naming it and what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-record-'));
    try {
      mkdirSync(labStateDir('course', dir), { recursive: true });
      writeFileSync(offlineLabRecordPath('course', dir), '{"version": 7}');
      expect(() => readOfflineLab('course', dir)).toThrow(
        /offline-lab\.json is not a streamlab offline-lab record.*delete it/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps each lab in a run dir of its own, under the run dir the caller chose', () => {
    expect(offlineRunDir('course', '/run/elsewhere')).toBe('/run/elsewhere/lab-course');
  });
});
