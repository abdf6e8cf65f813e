/**
 * `streamlab check`'s table and its usage errors (what needs no host): an unknown student is
 * exit 2 naming it and the lab's students, before anything is probed. The checks themselves
 * run against test hosts (test/integration/labs/offline/lab.test.ts) and moto
 * (test/integration/labs/class/snapshot-moto.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../scripts/cli/dispatch';
import { allPass, checkTable } from '../../../../labs/class/check-table';
import { hostReachable, producerActive, recordsFlowing } from '../../../../labs/class/milestones';
import type { ClassSnapshot } from '../../../../labs/class/snapshot';

const snapshot = (bo: 'active' | 'inactive'): ClassSnapshot => ({
  lab: 'c',
  mode: 'offline',
  at: 0,
  streams: [],
  students: [
    {
      name: 'ana',
      producer: 'active',
      stream: 'c-ana',
      recordsPerSecond: 9.84,
      newestRecordAgeSeconds: 0.2,
      milestones: [
        hostReachable({ reachable: true }),
        producerActive({ reachable: true, producer: 'active' }, 'streamlab-producer'),
        recordsFlowing('c-ana', { count: 590, newestAgeSeconds: 0.2 }),
      ],
    },
    {
      name: 'bo',
      producer: bo,
      stream: 'c-bo',
      recordsPerSecond: bo === 'active' ? 10 : 0,
      newestRecordAgeSeconds: null,
      milestones: [
        hostReachable({ reachable: true }),
        producerActive({ reachable: true, producer: bo }, 'streamlab-producer'),
        bo === 'active'
          ? recordsFlowing('c-bo', { count: 600, newestAgeSeconds: 0.1 })
          : recordsFlowing('c-bo', { count: 0, newestAgeSeconds: null }),
      ],
    },
  ],
});

describe('check table', () => {
  it('a column per milestone, then each failure with its reason, then the verdict', () => {
    expect(checkTable(snapshot('inactive'))).toEqual([
      'STUDENT  REACHABLE  PRODUCER  RECORDS<60S  REC/S',
      'ana      ok         ok        ok             9.8',
      'bo       ok         FAIL      FAIL           0.0',
      '',
      'bo: producer active: streamlab-producer is inactive',
      'bo: records in the last 60 s: no record in c-bo in the last 60 s',
      '',
      '1 of 2 student(s) have a milestone to reach',
    ]);
    expect(allPass(snapshot('inactive'))).toBe(false);
  });

  it('all pass: no failure lines', () => {
    expect(checkTable(snapshot('active')).at(-1)).toBe('all 2 student(s) pass every milestone');
    expect(allPass(snapshot('active'))).toBe(true);
  });

  it('a reason quoting a host shows its control characters, never sends them', () => {
    const snap = snapshot('active');
    const hostile = {
      ...snap,
      students: [
        {
          ...snap.students[0]!,
          milestones: [hostReachable({ reachable: false, error: 'x\x1b]52;c;owned\x07' })],
        },
      ],
    };
    const text = checkTable(hostile).join('\n');
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\x07');
  });
});

describe('streamlab check: usage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an unknown student is exit 2, naming it and the lab students, before any probe', async () => {
    const config = join(dir, 'streamlab.yaml');
    writeFileSync(
      config,
      'name: c\nregion: eu-west-1\noperatorCidr: 198.51.100.0/24\nstudents: [ana, bo]\n',
    );
    const inventory = join(dir, 'inv.json');
    const host = (name: string) => ({
      name,
      address: '198.51.100.7',
      privateKeyPath: '/k/id',
      hostKeyFingerprint: 'SHA256:qtCvZkBbVk9w3d5bnKytRu2+ECZLTtctODlETkqiufc',
      stream: `c-${name}`,
      region: 'eu-west-1',
    });
    writeFileSync(inventory, JSON.stringify({ hosts: [host('ana'), host('bo')] }));
    const errors: string[] = [];
    const err = jest.spyOn(console, 'error').mockImplementation((m) => void errors.push(String(m)));
    try {
      const code = await main([
        'check',
        '--config',
        config,
        '--inventory',
        inventory,
        'ana',
        'zed',
      ]);
      expect(code).toBe(2);
      expect(errors.join('\n')).toContain('STUDENT: "zed" is not in lab c (its students: ana, bo)');
    } finally {
      err.mockRestore();
    }
  });
});
