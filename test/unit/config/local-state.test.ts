/** The local-state folder holds private keys and Terraform state: git must never see it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_STATE_DIR } from '../../../config/local-state';
import { parseConfig } from '../../../config/load';

const REPO_ROOT = join(__dirname, '..', '..', '..');

describe('the local-state folder', () => {
  it('is ignored by git (.gitignore cannot import the name, so it is checked here)', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toContain(`${LOCAL_STATE_DIR}/`);
  });

  it("holds the key pairs unless the config says otherwise (keysDir's default)", () => {
    const config = parseConfig({
      name: 'demo',
      region: 'us-east-1',
      operatorCidr: '203.0.113.7/32',
    });
    expect(config.keysDir).toBe(join(LOCAL_STATE_DIR, 'keys'));
  });
});
