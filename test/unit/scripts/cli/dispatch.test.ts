import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, OperationalError, UsageError } from '../../../../config/errors';
import { extractConfigFlag, main, reportError } from '../../../../scripts/cli/dispatch';
import * as testhost from '../../../../testhost/api';

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

describe('what an error prints', () => {
  const printed = (fn: () => number): { code: number; text: string } => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => lines.push(m));
    try {
      return { code: fn(), text: lines.join('\n') };
    } finally {
      spy.mockRestore();
    }
  };
  // A real bug: reading a property of undefined.
  function buggyStep(input?: { value: string }): string {
    return input!.value;
  }
  const aBug = (): unknown => {
    try {
      buggyStep();
    } catch (e) {
      return e;
    }
    throw new Error('the bug did not happen');
  };

  it('a bug (not ours) prints its stack trace, with or without STREAMLAB_DEBUG=1', () => {
    const quiet = printed(() => reportError(aBug(), 'streamlab x --help', false));
    expect(quiet.code).toBe(1);
    expect(quiet.text).toMatch(/^streamlab: TypeError: Cannot read properties of undefined/);
    expect(quiet.text).toMatch(/\n\s+at buggyStep \(.*dispatch\.test\.ts:\d+/);
    expect(quiet.text).toContain('this is a bug in streamlab');
    const debug = printed(() => reportError(aBug(), 'streamlab x --help', true));
    expect(debug.code).toBe(1);
    expect(debug.text).toMatch(/^streamlab: TypeError: Cannot read properties of undefined/);
    expect(debug.text).toMatch(/\n\s+at buggyStep \(.*dispatch\.test\.ts:\d+/);
  });

  it('a network error (EAI_AGAIN, ECONNREFUSED) says its code in words, not "a bug"', () => {
    const dns = Object.assign(new Error('getaddrinfo EAI_AGAIN ec2.us-east-1.amazonaws.com'), {
      code: 'EAI_AGAIN',
    });
    const wrapped = new Error('AWS SDK error wrapper', { cause: dns });
    const out = printed(() => reportError(wrapped, 'streamlab x --help', false));
    expect(out.code).toBe(1);
    expect(out.text).toBe(
      'streamlab: AWS SDK error wrapper (EAI_AGAIN: the name could not be looked up right now (DNS did not answer: no network, or no DNS server reachable))',
    );
    expect(out.text).not.toContain('this is a bug');
  });

  it('ours print the message and hint, no trace; the usage hint only for usage errors', () => {
    const input = printed(() =>
      reportError(new InputError('bad value', { hint: 'fix it' }), 'streamlab x --help', false),
    );
    expect(input).toEqual({ code: 2, text: 'streamlab: bad value\nfix it' });
    const usage = printed(() => reportError(new UsageError('bad flag'), 'streamlab x --help'));
    expect(usage).toEqual({ code: 2, text: 'streamlab: bad flag\nsee `streamlab x --help`' });
    const failed = printed(() => reportError(new OperationalError('it broke'), 'streamlab x'));
    expect(failed).toEqual({ code: 1, text: 'streamlab: it broke' });
  });

  it('under STREAMLAB_DEBUG=1 ours show their stack and the error they explain', () => {
    const cause = aBug();
    const r = printed(() =>
      reportError(new OperationalError('AWS said no', { cause }), 'streamlab x', true),
    );
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/^streamlab: AWS said no\n/);
    expect(r.text).toContain('[cause]: TypeError: Cannot read properties of undefined');
    expect(r.text).toMatch(/at buggyStep/);
  });

  it('lab host commands let a bug through with its stack (stubbed bug: none can be caused on demand)', async () => {
    const stub = jest.spyOn(testhost, 'hostDownAll').mockImplementation(async () => {
      buggyStep();
      return [];
    });
    const before = process.env.STREAMLAB_DEBUG;
    process.env.STREAMLAB_DEBUG = '1';
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => lines.push(m));
    try {
      expect(await main(['lab', 'host', 'down', '--all'])).toBe(1);
      expect(stub).toHaveBeenCalled();
      expect(lines.join('\n')).toMatch(/TypeError: Cannot read properties of undefined/);
      expect(lines.join('\n')).toMatch(/at buggyStep/);
    } finally {
      spy.mockRestore();
      stub.mockRestore();
      if (before === undefined) delete process.env.STREAMLAB_DEBUG;
      else process.env.STREAMLAB_DEBUG = before;
    }
  });
});
