import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../../../config/load';
import { main } from '../../../../scripts/cli/dispatch';
import { withAnswers } from '../../../../scripts/commands/init';
import { ensureKeyPair } from '../../../../labs/setup/keys';

const example = readFileSync(join(__dirname, '../../../../streamlab.example.yaml'), 'utf8');

describe('streamlab init', () => {
  it('applies answers to the example and keeps its comments', () => {
    const text = withAnswers(example, {
      name: 'class-a',
      students: 'ana, bo ,',
      operatorCidr: '198.51.100.0/24',
    });
    const c = parseConfigText(text, 'x.yaml');
    expect(c).toMatchObject({
      name: 'class-a',
      students: ['ana', 'bo'],
      operatorCidr: '198.51.100.0/24',
    });
    expect(text).toContain('# who may SSH in');
  });

  it('generates 0600 ed25519 keys once and keeps them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-keys-'));
    const path = join(dir, 'lab', 'ana');
    const first = await ensureKeyPair(path, 'test');
    expect(first.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${path}.pub`, 'utf8')).toMatch(/^ssh-ed25519 \S+ test\n$/);
    const before = readFileSync(path, 'utf8');
    expect((await ensureKeyPair(path, 'test')).created).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('writes nothing when a flag makes the config invalid (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-init-'));
    const file = join(dir, 'streamlab.yaml');
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m) => void errors.push(String(m)));
    const code = await main(['init', '--yes', '--students', 'Bad!', '--config', file]);
    spy.mockRestore();
    expect(code).toBe(2);
    expect(errors.join('\n')).toContain('students[0]: "Bad!" is not a DNS-safe name');
    expect(existsSync(file)).toBe(false);
  });
});
