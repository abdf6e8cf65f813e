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
});
