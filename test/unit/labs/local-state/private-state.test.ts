/**
 * The local Terraform state is the operator's alone (issue 16): terraform writes it 0644
 * in a 0755 directory. The real terraform writes a state into the directory streamlab
 * prepared; the directory is 0700 and, once protected again, the files 0600.
 */
import { runSync } from '../../../../process/run';
import { LOCAL_STATE_DIR } from '../../../../config/local-state';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protectLocalState } from '../../../../labs/local-state/private-file';

const mode = (p: string) => statSync(p).mode & 0o777;

it('the state directory is 0700 before terraform runs, the state files 0600 after', () => {
  const work = mkdtempSync(join(tmpdir(), 'streamlab-state-mode-'));
  const stateFile = join(work, LOCAL_STATE_DIR, 'state', 'lab.tfstate');
  const stackDir = join(work, 'stack');
  runSync(['mkdir', '-p', stackDir]);
  writeFileSync(
    join(stackDir, 'main.tf.json'),
    JSON.stringify({
      terraform: { backend: { local: { path: stateFile } } },
      output: { v: { value: 'a' } },
    }),
  );
  protectLocalState(stateFile);
  expect(mode(join(work, LOCAL_STATE_DIR, 'state'))).toBe(0o700);
  const tf = (...args: string[]) =>
    runSync(['terraform', ...args], {
      cwd: stackDir,
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
  tf('init', '-input=false');
  tf('apply', '-auto-approve', '-input=false');
  protectLocalState(stateFile);
  const files = readdirSync(join(work, LOCAL_STATE_DIR, 'state'));
  expect(files).toContain('lab.tfstate');
  for (const f of files)
    expect([f, mode(join(work, LOCAL_STATE_DIR, 'state', f))]).toEqual([f, 0o600]);
});
