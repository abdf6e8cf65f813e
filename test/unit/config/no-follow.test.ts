/**
 * Planted symbolic links in the project (a clone can carry them; the commands often run as
 * root): `synth`, the inventory writer and `handout` refuse them with exit 2 naming the
 * path, and leave the link's target untouched. The real commands run in a scratch project
 * directory holding the links.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../config/errors';
import { refuseSymlinks, writeNewFile } from '../../../config/no-follow';
import { writeInventory } from '../../../labs/hosts/inventory-file';
import { inventoryPathFor } from '../../../labs/local-state/paths';
import { fingerprintOf } from '../../../provisioning/engine/host-key';
import { main } from '../../../scripts/cli/dispatch';

const HOST_KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

let project: string;
/** Outside the project: what a planted link points at (think /etc/ssh). */
let victim: string;
const cwd = process.cwd();

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'sl-links-project-'));
  victim = mkdtempSync(join(tmpdir(), 'sl-links-victim-'));
  writeFileSync(join(victim, 'sshd_config'), 'ORIGINAL\n');
  chmodSync(join(victim, 'sshd_config'), 0o644);
  writeFileSync(
    join(project, 'streamlab.yaml'),
    JSON.stringify({
      name: 'course',
      region: 'eu-west-1',
      operatorCidr: '203.0.113.7/32',
      students: ['ana'],
    }),
  );
  process.chdir(project);
});
afterEach(() => process.chdir(cwd));

/** Ana's host record, pinned with the key itself (nothing connects). */
const host = () => ({
  name: 'ana',
  address: '198.51.100.10',
  port: 22,
  user: 'ubuntu',
  privateKeyPath: join(project, 'id'),
  hostPublicKey: `ssh-ed25519 ${HOST_KEY}`,
  hostKeyFingerprint: fingerprintOf(Buffer.from(HOST_KEY, 'base64')),
  stream: 'course-ana',
});

/** An inventory file of Ana's host in the project. */
function inventoryFile(): string {
  const file = join(project, 'inv.json');
  writeFileSync(file, JSON.stringify({ hosts: [host()] }));
  return file;
}

/** The victim directory as it was planted: one file, same text, same mode. */
function expectUntouched(): void {
  expect(readdirSync(victim)).toEqual(['sshd_config']);
  expect(readFileSync(join(victim, 'sshd_config'), 'utf8')).toBe('ORIGINAL\n');
  expect(statSync(join(victim, 'sshd_config')).mode & 0o777).toBe(0o644);
}

async function streamlab(...args: string[]): Promise<{ code: number; printed: string }> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m) => void lines.push(String(m)));
  const err = jest.spyOn(console, 'error').mockImplementation((m) => void lines.push(String(m)));
  try {
    return { code: await main(args), printed: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('synth with a planted key path', () => {
  it('a key file that is a link is refused, its target neither chmod-ed nor overwritten', async () => {
    mkdirSync(join(project, '.streamlab', 'keys', 'course'), { recursive: true });
    const link = join(project, '.streamlab', 'keys', 'course', 'ana');
    symlinkSync(join(victim, 'sshd_config'), link);
    writeFileSync(`${link}.pub`, `ssh-ed25519 ${HOST_KEY} x\n`);
    const { code, printed } = await streamlab('synth', '--config', 'streamlab.yaml');
    expect(code).toBe(2);
    expect(printed).toContain(`${link} is a symbolic link (to "${join(victim, 'sshd_config')}")`);
    expectUntouched();
  });

  it('a keys directory that is a link is refused, and no key is generated into its target', async () => {
    mkdirSync(join(project, '.streamlab'));
    symlinkSync(victim, join(project, '.streamlab', 'keys'));
    const { code, printed } = await streamlab('synth', '--config', 'streamlab.yaml');
    expect(code).toBe(2);
    expect(printed).toContain(`${join(project, '.streamlab', 'keys')} is a symbolic link`);
    expectUntouched();
  });
});

describe('the inventory writer with a planted .streamlab/<lab>', () => {
  it('refuses, naming the link, and writes nothing into its target', () => {
    mkdirSync(join(project, '.streamlab'));
    symlinkSync(victim, join(project, '.streamlab', 'course'));
    let e: unknown;
    try {
      writeInventory(inventoryPathFor('course', project), [host()]);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).exitCode).toBe(2);
    expect((e as Error).message).toContain(
      `${join(project, '.streamlab', 'course')} is a symbolic link`,
    );
    expectUntouched();
  });

  it('a link at the file name itself is refused too (not replaced, not followed)', () => {
    mkdirSync(join(project, '.streamlab', 'course'), { recursive: true });
    const file = inventoryPathFor('course', project);
    symlinkSync(join(victim, 'sshd_config'), file);
    expect(() => writeInventory(file, [host()])).toThrow(`${file} is a symbolic link`);
    expectUntouched();
  });
});

describe('handout with a planted handouts/<lab>', () => {
  it('refuses with exit 2 naming the link, and leaves the target directory as it was', async () => {
    const inventory = inventoryFile();
    // The victim's file under a name handout writes: the link would have it replaced.
    writeFileSync(join(victim, 'ana.md'), 'ORIGINAL\n');
    mkdirSync(join(project, 'handouts'));
    symlinkSync(victim, join(project, 'handouts', 'course'));
    const { code, printed } = await streamlab(
      'handout',
      '--config',
      'streamlab.yaml',
      '--inventory',
      inventory,
    );
    expect(code).toBe(2);
    expect(printed).toContain(`${join(project, 'handouts', 'course')} is a symbolic link`);
    expect(readFileSync(join(victim, 'ana.md'), 'utf8')).toBe('ORIGINAL\n');
    expect(readdirSync(victim).sort()).toEqual(['ana.md', 'sshd_config']);
  });

  it('without links it writes the handouts (the check refuses only links)', async () => {
    const inventory = inventoryFile();
    const { code } = await streamlab(
      'handout',
      '--config',
      'streamlab.yaml',
      '--inventory',
      inventory,
    );
    expect(code).toBe(0);
    expect(readFileSync(join(project, 'handouts', 'course', 'ana.md'), 'utf8')).toContain('ana');
  });
});

describe('the checks themselves', () => {
  it('a link above the project directory is the user’s own and allowed; one below is refused', () => {
    const above = mkdtempSync(join(tmpdir(), 'sl-links-above-'));
    symlinkSync(project, join(above, 'project'));
    expect(() =>
      refuseSymlinks(join(above, 'project', '.streamlab', 'x'), join(above, 'project')),
    ).not.toThrow();
    expect(() => refuseSymlinks(join(above, 'project', 'streamlab.yaml'), above)).toThrow(
      /project is a symbolic link/,
    );
  });

  it('writeNewFile never writes through a link at the name, nor over an existing file', () => {
    const link = join(project, 'new.tmp');
    symlinkSync(join(victim, 'sshd_config'), link);
    expect(() => writeNewFile(link, 'x', 0o600)).toThrow(/EEXIST/);
    expectUntouched();
    writeNewFile(join(project, 'fresh'), 'text', 0o600);
    expect(statSync(join(project, 'fresh')).mode & 0o777).toBe(0o600);
  });

  it('a hostile link target is quoted in the message, never printed raw', () => {
    symlinkSync('/etc\n# injected', join(project, 'odd'));
    expect(() => refuseSymlinks(join(project, 'odd'), project)).toThrow(
      'is a symbolic link (to "/etc\\n# injected")',
    );
  });
});
