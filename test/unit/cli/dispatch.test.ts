import { extractConfigFlag } from '../../../scripts/cli';

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
});
