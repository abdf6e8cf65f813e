/**
 * Each student's reader external id: generated once per student, random, kept owner-only,
 * handed to terraform through the environment keyed as the stack reads it.
 */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureReaderExternalIds,
  readerExternalIdsPath,
  storedReaderExternalIds,
} from '../../../../labs/local-state/reader-external-ids';
import { stackVariablesEnv } from '../../../../labs/aws/stack';
import { labConfig } from '../../../support/lab-stack';

describe('reader external ids', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'streamlab-external-ids-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each student a different random id, stored 0600, the same on the next run', () => {
    expect(storedReaderExternalIds('class-a', dir)).toEqual({});
    const ids = ensureReaderExternalIds('class-a', ['ana', 'bruno'], dir);
    expect(Object.keys(ids)).toEqual(['ana', 'bruno']);
    expect(ids.ana).toMatch(/^[\w-]{32}$/);
    expect(ids.ana).not.toBe(ids.bruno);
    const file = readerExternalIdsPath('class-a', dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureReaderExternalIds('class-a', ['ana', 'bruno'], dir)).toEqual(ids);
    // A student added later gets a new id; the others keep theirs.
    const more = ensureReaderExternalIds('class-a', ['ana', 'bruno', 'cy'], dir);
    expect(more).toMatchObject(ids);
    expect(new Set(Object.values(more)).size).toBe(3);
  });

  it('another lab in the same folder gets ids of its own', () => {
    const a = ensureReaderExternalIds('class-a', ['ana'], dir);
    const b = ensureReaderExternalIds('class-b', ['ana'], dir);
    expect(a.ana).not.toBe(b.ana);
  });

  it('refuses a symbolic link at the file or on its way, naming it, and writes nothing', () => {
    // The planter's own ids, which the roles would then trust.
    const planted = join(dir, 'planted.json');
    const known = { ana: 'a'.repeat(32) };
    writeFileSync(planted, JSON.stringify(known));
    const file = readerExternalIdsPath('class-a', dir);
    mkdirSync(join(file, '..'), { recursive: true });
    symlinkSync(planted, file);
    expect(() => storedReaderExternalIds('class-a', dir)).toThrow(
      `${file} is a symbolic link (to ${JSON.stringify(planted)})`,
    );
    expect(() => ensureReaderExternalIds('class-a', ['ana', 'bruno'], dir)).toThrow(
      'is a symbolic link',
    );
    expect(JSON.parse(readFileSync(planted, 'utf8'))).toEqual(known);

    const other = mkdtempSync(join(tmpdir(), 'streamlab-external-ids-dir-'));
    try {
      writeFileSync(join(other, 'reader-external-ids.json'), JSON.stringify(known));
      symlinkSync(other, join(dir, '.streamlab', 'class-b'));
      expect(() => storedReaderExternalIds('class-b', dir)).toThrow(
        `${join(dir, '.streamlab', 'class-b')} is a symbolic link`,
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses a damaged file without replacing it or printing it', () => {
    const file = readerExternalIdsPath('class-a', dir);
    ensureReaderExternalIds('class-a', ['ana'], dir);
    writeFileSync(file, '{"ana": "short; rm -rf /"}');
    expect(() => ensureReaderExternalIds('class-a', ['ana'], dir)).toThrow(
      `${file} is not a map of student names to reader external ids (values not shown)`,
    );
    expect(readFileSync(file, 'utf8')).toBe('{"ana": "short; rm -rf /"}');
  });

  it('passes them to terraform as TF_VAR_reader_external_ids, keyed as the stack reads them', () => {
    const config = labConfig({
      students: ['ana', 'bo-r'],
      consumer: { readerPrincipal: '123456789012' },
    });
    const env = stackVariablesEnv(config, dir);
    const ids = storedReaderExternalIds(config.name, dir);
    expect(JSON.parse(env.TF_VAR_reader_external_ids!)).toEqual({
      ana: ids.ana,
      bo_r: ids['bo-r'],
    });
    expect(stackVariablesEnv(labConfig({ students: ['ana'] }), dir)).toEqual({});
  });
});
