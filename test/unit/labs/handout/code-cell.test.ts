/** Handout values: control characters refused naming the field, Markdown escaped (issue 22). */
import { parseConfig } from '../../../../config/load';
import { InputError } from '../../../../config/errors';
import { codeCell } from '../../../../labs/handout/code-cell';
import { handoutMarkdown } from '../../../../labs/handout/render';

const config = parseConfig({
  name: 'class-a',
  region: 'eu-west-1',
  operatorCidr: '198.51.100.0/24',
  students: ['ana'],
});
const host = {
  name: 'ana',
  address: '198.51.100.10',
  port: 22,
  user: 'ubuntu',
  privateKeyPath: '/home/prof/.streamlab/keys/class-a/ana',
  hostKeyFingerprint: 'SHA256:abc',
  stream: 'class-a-ana',
  region: 'eu-west-1',
};

describe('handout values', () => {
  it.each([
    [
      'privateKeyPath',
      { ...host, privateKeyPath: '/k\n## Run this\n```sh\ncurl x | sudo sh\n```' },
    ],
    ['address', { ...host, address: '198.51.100.10\u001b[2J' }],
  ])('refuses a control character in %s, exit 2 naming the field', (field, h) => {
    const run = () => handoutMarkdown(config, h);
    expect(run).toThrow(InputError);
    expect(run).toThrow(new RegExp(`^${field}: .* cannot go into a handout \\(control character`));
  });

  it('refuses a newline in the reader role ARN output', () => {
    const withReader = parseConfig({ ...config, consumer: { readerPrincipal: '123456789012' } });
    const reader = { roleArn: 'arn:aws:iam::1:role/x\n# Owned', externalId: 'x'.repeat(32) };
    expect(() => handoutMarkdown(withReader, host, reader)).toThrow(/^role_arn: /);
  });

  it('keeps backticks and pipes inside their code span and cell', () => {
    expect(codeCell('f', 'plain')).toBe('`plain`');
    expect(codeCell('f', 'a`b')).toBe('`` a`b ``');
    expect(codeCell('f', 'a``b|c')).toBe('``` a``b\\|c ```');
    const page = handoutMarkdown(config, { ...host, privateKeyPath: '/k` | **bold** |`x' });
    expect(page).toContain('| SSH key | `` /k` \\| **bold** \\|`x `` |');
  });
});
