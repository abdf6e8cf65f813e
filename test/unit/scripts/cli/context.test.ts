/**
 * The command context is the one place a command's config and inventory are chosen:
 * `--config`, else $STREAMLAB_CONFIG, else ./streamlab.yaml; `--inventory FILE`, `--offline`,
 * else the inventory `up` saved. Each is read on first use and once.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../../config/errors';
import { commandContext } from '../../../../scripts/cli/context';
import { writeAppliedLab } from '../../../../labs/hosts/applied-lab';
import { appliedPathFor } from '../../../../labs/local-state/paths';

const FP = 'SHA256:qtCvZkBbVk9w3d5bnKytRu2+ECZLTtctODlETkqiufc';
const host = (name: string) => ({
  name,
  address: '198.51.100.7',
  privateKeyPath: '/k/id',
  hostKeyFingerprint: FP,
});

describe('command context', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-context-'));
  const cwd = process.cwd();
  const config = (name: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `name: ${name}\nregion: eu-west-1\noperatorCidr: 198.51.100.0/24\n`);
    return file;
  };
  const inventory = (file: string, names: string[]) => {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify({ hosts: names.map(host) }));
    return file;
  };
  const thrown = (fn: () => unknown): InputError => {
    try {
      fn();
    } catch (e) {
      return e as InputError;
    }
    throw new Error('nothing was thrown');
  };
  beforeAll(() => process.chdir(dir));
  afterAll(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads nothing until asked, then the config once', () => {
    const ctx = commandContext({ configFile: join(dir, 'later.yaml') });
    // A missing file is no error until a command asks for the config.
    expect(ctx.configFile).toBe(join(dir, 'later.yaml'));
    config('later');
    const first = ctx.config();
    rmSync(join(dir, 'later.yaml'));
    expect(ctx.config()).toBe(first);
  });

  it('--config wins over $STREAMLAB_CONFIG, which wins over ./streamlab.yaml', () => {
    const env = { STREAMLAB_CONFIG: config('from-env') };
    expect(commandContext({ env }).config().name).toBe('from-env');
    expect(commandContext({ configFile: config('from-flag'), env }).config().name).toBe(
      'from-flag',
    );
    writeFileSync(
      'streamlab.yaml',
      'name: here\nregion: eu-west-1\noperatorCidr: 198.51.100.0/24\n',
    );
    try {
      expect(commandContext({ env: {} }).config().name).toBe('here');
    } finally {
      rmSync('streamlab.yaml');
    }
  });

  it("--offline: the offline lab's config (synthetic source) and its inventory", () => {
    const ctx = commandContext({ configFile: config('off') });
    expect(ctx.config({ offline: true }).producer.source).toBe('synthetic');
    expect(ctx.offlineConfig().source).toBe(join(dir, 'off.yaml'));
    const missing = thrown(() => ctx.inventory({ offline: true }));
    expect(missing).toBeInstanceOf(InputError);
    expect(missing.exitCode).toBe(1);
    expect(missing.message).toBe('no offline lab off here: start it with `streamlab lab up`');
    inventory(join(dir, '.streamlab', 'off', 'offline-inventory.json'), ['student01']);
    expect(ctx.inventory({ offline: true }).hosts.map((h) => h.name)).toEqual(['student01']);
  });

  it('--inventory FILE: that file, no config needed; a missing one says so (exit 1)', () => {
    const ctx = commandContext({ configFile: join(dir, 'never-read.yaml') });
    const file = inventory(join(dir, 'given.json'), ['ana', 'bo']);
    expect(ctx.inventory({ offline: false, inventory: file }).hosts.map((h) => h.name)).toEqual([
      'ana',
      'bo',
    ]);
    const none = join(dir, 'none.json');
    const missing = thrown(() => ctx.inventory({ offline: false, inventory: none }));
    expect(missing.exitCode).toBe(1);
    expect(missing.message).toMatch(/--inventory: .*none\.json does not exist/);
  });

  it('no choice: the inventory `up` saved for the config, or says to run `streamlab up` first', () => {
    const ctx = commandContext({ configFile: config('saved') });
    expect(() => ctx.inventory({ offline: false })).toThrow(
      /the lab is not up \(run `streamlab up` first/,
    );
    inventory(join(dir, '.streamlab', 'saved', 'inventory.json'), ['lab']);
    const again = commandContext({ configFile: join(dir, 'saved.yaml') });
    const first = again.inventory({ offline: false });
    expect(first.hosts.map((h) => h.name)).toEqual(['lab']);
    expect(again.inventory({ offline: false })).toBe(first);
  });

  it('no inventory but an applied lab (up stopped before discovery): describes it, not "not up"', () => {
    const ctx = commandContext({ configFile: config('halfway') });
    writeAppliedLab(appliedPathFor('halfway', dir), {
      region: 'eu-west-1',
      bucket: 'halfway-lake-1',
      hosts: [
        {
          host: 'lab',
          instanceId: 'i-0abc',
          publicDns: 'ec2-1.compute.amazonaws.com',
          publicIp: '198.51.100.9',
          streamName: 'halfway-lab',
          streamArn: 'arn:aws:kinesis:eu-west-1:1:stream/halfway-lab',
        },
      ],
    });
    const e = thrown(() => ctx.inventory({ offline: false }));
    expect(e.exitCode).toBe(1);
    expect(e.message).toMatch(
      /^halfway is applied in eu-west-1 \(since .*, it costs money while up\)/,
    );
    expect(e.message).toContain(
      '  lab: i-0abc at ec2-1.compute.amazonaws.com, stream halfway-lab: not yet provisioned',
    );
    expect(e.hint).toBe(
      'next: `npm exec --no -- streamlab up` resumes (discovery and provisioning), `npm exec --no -- streamlab down` removes the lab',
    );
  });
});
