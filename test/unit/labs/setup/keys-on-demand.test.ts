/**
 * `plan` and `up` create a missing key pair before anything else can fail, as `synth` does
 * (tested with the stack in test/unit/stacks/synth-command.test.ts). Terraform is made to
 * be missing so neither goes further than its preflight.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../scripts/cli/dispatch';

let dir: string;
let err: string[];
const env = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamlab-keys-'));
  err = [];
  jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  jest.spyOn(console, 'log').mockImplementation(() => {});
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  process.env.STREAMLAB_TF = join(dir, 'no-terraform-here');
  writeFileSync(
    join(dir, 'streamlab.yaml'),
    `name: keys-lab\nregion: us-east-1\noperatorCidr: 203.0.113.7/32\nkeysDir: ${join(dir, 'keys')}\n`,
  );
});
afterEach(() => {
  jest.restoreAllMocks();
  process.env = { ...env };
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['plan', []],
  ['up', ['--yes']],
])('streamlab %s on a lab without keys', (cmd, flags) => {
  it('creates the key pair as init does and says so, then goes on', async () => {
    const code = await main([cmd, ...flags, '--config', join(dir, 'streamlab.yaml')]);
    const key = join(dir, 'keys', 'keys-lab', 'lab');
    expect(err.join('\n')).toContain(`created SSH key pair ${key}{,.pub} for lab`);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(existsSync(`${key}.pub`)).toBe(true);
    // It went on to the preflight, which stops at the missing terraform.
    expect(err.join('\n')).toMatch(/STREAMLAB_TF=.*no-terraform-here is not an executable/);
    expect(code).toBe(1);
  });
});
