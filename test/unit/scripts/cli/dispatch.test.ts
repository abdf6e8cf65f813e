import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractConfigFlag, main } from '../../../../scripts/cli/dispatch';

describe('command line dispatch', () => {
  it('takes --config anywhere before `--`', () => {
    expect(extractConfigFlag(['status', '--config', 'a.yaml', '--json'])).toEqual({
      rest: ['status', '--json'],
      configFile: 'a.yaml',
    });
    expect(extractConfigFlag(['--config=b.yaml', 'synth'])).toEqual({
      rest: ['synth'],
      configFile: 'b.yaml',
    });
  });

  it('passes everything after `--` on untouched (a remote command for ssh)', () => {
    expect(extractConfigFlag(['ssh', 'lab', '--', 'grep', '--config', 'x', '-h'])).toEqual({
      rest: ['ssh', 'lab', '--', 'grep', '--config', 'x', '-h'],
    });
  });

  it('refuses --config without a FILE', () => {
    expect(() => extractConfigFlag(['synth', '--config'])).toThrow(/--config needs a FILE/);
  });

  it('STREAMLAB_CONFIG names the config of every command; --config wins over it', async () => {
    const before = process.env.STREAMLAB_CONFIG;
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => errors.push(m));
    try {
      process.env.STREAMLAB_CONFIG = '/nonexistent/from-env.yaml';
      expect(await main(['handout'])).toBe(2);
      expect(errors.join('\n')).toMatch(/\/nonexistent\/from-env\.yaml: no such file/);
      errors.length = 0;
      expect(await main(['handout', '--config', '/nonexistent/from-flag.yaml'])).toBe(2);
      expect(errors.join('\n')).toMatch(/from-flag\.yaml: no such file/);
      expect(errors.join('\n')).not.toMatch(/from-env/);
    } finally {
      spy.mockRestore();
      if (before === undefined) delete process.env.STREAMLAB_CONFIG;
      else process.env.STREAMLAB_CONFIG = before;
    }
  });

  it('input errors thrown deep inside (inventory, provision --limit) print as one kind, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-dispatch-'));
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => errors.push(m));
    try {
      const config = join(dir, 'streamlab.yaml');
      writeFileSync(config, 'name: lab\nregion: us-east-1\noperatorCidr: 203.0.113.7/32\n');
      const inventory = join(dir, 'inventory.json');
      const host = {
        name: 'lab',
        address: '10.0.0.5',
        port: 22,
        user: 'ubuntu',
        hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`,
      };
      writeFileSync(inventory, JSON.stringify({ hosts: [{ ...host, privateKeyPath: '/k' }] }));
      const args = ['provision', '--config', config, '--inventory', inventory];
      expect(await main([...args, '--limit', 'nope'])).toBe(2);
      expect(errors).toEqual([
        'streamlab: --limit: no host named "nope" in the inventory (hosts: lab)',
      ]);
      errors.length = 0;
      writeFileSync(inventory, JSON.stringify({ hosts: [host] }));
      expect(await main(args)).toBe(2);
      expect(errors).toEqual([
        `streamlab: invalid inventory ${inventory}: hosts[0].privateKeyPath: must be a path`,
      ]);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
