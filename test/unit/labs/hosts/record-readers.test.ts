/**
 * Commands read a host's stream from its inventory entry: `tail` picks the host (or the
 * one stream all hosts share), and an entry without a stream is named with its field;
 * `--offline` means the offline lab's inventory, and says so when there is none.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../scripts/cli/dispatch';

const FP = 'SHA256:qtCvZkBbVk9w3d5bnKytRu2+ECZLTtctODlETkqiufc';
const entry = (name: string, o: Record<string, unknown> = {}) => ({
  name,
  address: '198.51.100.7',
  privateKeyPath: '/k/id',
  hostKeyFingerprint: FP,
  ...o,
});

async function run(args: string[]): Promise<{ code: number; errors: string }> {
  const errors: string[] = [];
  const err = jest.spyOn(console, 'error').mockImplementation((m) => void errors.push(String(m)));
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  try {
    return { code: await main(args), errors: errors.join('\n') };
  } finally {
    err.mockRestore();
    log.mockRestore();
  }
}

describe('commands read the host record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-record-readers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const inventory = (hosts: object[]) => {
    const file = join(dir, `inv-${hosts.length}-${Math.random()}.json`);
    writeFileSync(file, JSON.stringify({ hosts }));
    return file;
  };

  it('tail: hosts with streams of their own need --host, and the known ones are listed', async () => {
    const file = inventory([
      entry('ana', { stream: 'c-ana', region: 'eu-west-1' }),
      entry('bo', { stream: 'c-bo', region: 'eu-west-1' }),
    ]);
    const r = await run(['tail', '--inventory', file]);
    expect(r.code).toBe(2);
    expect(r.errors).toContain(
      'name a host with --host: each writes to its own stream (one of: ana, bo)',
    );
  });

  it('tail --host: an entry without a stream is refused, naming the host and the field', async () => {
    const file = inventory([entry('ana', { stream: 'c-ana' }), entry('bo')]);
    const r = await run(['tail', '--inventory', file, '--host', 'bo']);
    expect(r.code).toBe(2);
    expect(r.errors).toContain('host "bo": its inventory entry has no stream (field "stream")');
  });

  it('--offline without an offline lab says to start one', async () => {
    const cfg = join(dir, 'streamlab.yaml');
    writeFileSync(
      cfg,
      'name: no-lab-here-record-test\nregion: eu-west-1\noperatorCidr: 198.51.100.0/24\n',
    );
    for (const command of ['status', 'tail', 'logs lab', 'ssh lab', 'provision']) {
      const r = await run([...command.split(' '), '--offline', '--config', cfg]);
      expect({ command, code: r.code }).toEqual({ command, code: 1 });
      expect(r.errors).toContain('no offline lab no-lab-here-record-test here');
    }
  });

  it('provision names its two inventories, and refuses both at once', async () => {
    const none = await run(['provision']);
    expect(none.code).toBe(2);
    expect(none.errors).toContain('--inventory FILE is required (or --offline: the offline lab)');
    const both = await run(['provision', '--offline', '--inventory', 'x.json']);
    expect(both.code).toBe(2);
    expect(both.errors).toContain('--offline and --inventory name two inventories: give one');
  });
});
