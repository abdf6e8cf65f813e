import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../../config/load';
import { main } from '../../../../scripts/cli/dispatch';
import { handoutMarkdown, sshConfigBlock } from '../../../../labs/handout/render';
import { fingerprintOf } from '../../../../provisioning/engine/host-key';

const config = parseConfig({
  name: 'class-a',
  region: 'eu-west-1',
  operatorCidr: '198.51.100.0/24',
  students: ['ana', 'bo'],
});
const ana = {
  name: 'ana',
  address: 'ec2-3-250-1-2.eu-west-1.compute.amazonaws.com',
  port: 22,
  user: 'ubuntu',
  privateKeyPath: '/home/prof/.streamlab/keys/class-a/ana',
  hostKeyFingerprint: 'SHA256:u7xH3mC2cJ0dP8kE1fYq3Wn9rT4sV6bL2aZ5oK8iG0w',
  // The record's stream and region, as `streamlab up` writes them from the outputs.
  stream: 'class-a-ana',
  region: 'eu-west-1',
};

const HOST_KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIBdEmR3m9zr0y9mRpHGZ5sK2Nn0tZ4wKZt7b2gUuXk4V';

describe('handout', () => {
  it('renders the Markdown page', () => {
    expect(handoutMarkdown(config, ana)).toMatchSnapshot();
  });

  it('offline, points the student at the lab page, not at Databricks (which cannot reach the emulator)', () => {
    const page = handoutMarkdown(
      config,
      { ...ana, address: '10.231.0.2', endpoint: 'http://10.231.0.1:4567' },
      'offline',
    );
    expect(page).toContain('streamlab dashboard --offline');
    expect(page).toContain('streamlab tail --offline --host ana');
    expect(page).toContain('streamlab check --offline ana');
    expect(page).toContain('`class-a-ana`');
    expect(page).not.toMatch(/Databricks and set|tweets_streaming\.py|stream_name/);
  });

  it('says when the class ends (config `class`): the row appears only then', () => {
    const page = handoutMarkdown(config, ana, undefined, new Date('2026-03-02T17:00:00Z'));
    expect(page).toContain(
      '| Class ends | 2026-03-02 17:00 UTC: the host is stopped then (save your work before) |\n',
    );
    expect(handoutMarkdown(config, ana)).not.toContain('Class ends');
  });

  it("with the student's own key: names its fingerprint, and hands out no key file of the operator's", () => {
    const own = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBdEmR3m9zr0y9mRpHGZ5sK2Nn0tZ4wKZt7b2gUuXk4V';
    const withKey = parseConfig({
      name: 'class-a',
      region: 'eu-west-1',
      operatorCidr: '198.51.100.0/24',
      students: [{ name: 'ana', publicKey: `${own} ana@laptop` }, 'bo'],
    });
    const page = handoutMarkdown(withKey, ana);
    const fingerprint = fingerprintOf(Buffer.from(own.split(' ')[1]!, 'base64'));
    expect(page).toContain(`| SSH key | your own key: \`ssh-ed25519\` \`${fingerprint}\``);
    expect(page).toContain('add `IdentityFile PATH` to the block');
    expect(page).not.toContain(ana.privateKeyPath);
    const block = sshConfigBlock(withKey, ana, '/h/ana.known_hosts');
    expect(block).not.toContain('IdentityFile');
    expect(block).toContain('  IdentitiesOnly yes\n');
    // Bo gave no key: his page and block still name the key file the operator hands out.
    expect(handoutMarkdown(withKey, { ...ana, name: 'bo' })).toContain(ana.privateKeyPath);
  });

  it('renders the ssh_config block', () => {
    expect(
      sshConfigBlock(config, ana, '/home/prof/handouts/class-a/ana.known_hosts'),
    ).toMatchSnapshot();
  });

  it('writes one page per host from an inventory file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-handout-'));
    const cfg = join(dir, 'streamlab.yaml');
    writeFileSync(
      cfg,
      'name: class-a\nregion: eu-west-1\noperatorCidr: 198.51.100.0/24\nstudents: [ana, bo]\n',
    );
    // Pinned by known_hosts files: with a fingerprint only, handout would ssh-keyscan the hosts.
    writeFileSync(join(dir, 'kh'), `${ana.address},198.51.100.20 ssh-ed25519 ${HOST_KEY}\n`);
    const pinned = { hostKeyFingerprint: undefined, knownHostsFile: join(dir, 'kh') };
    writeFileSync(
      join(dir, 'inv.json'),
      JSON.stringify({
        hosts: [
          { ...ana, ...pinned },
          { ...ana, ...pinned, name: 'bo', address: '198.51.100.20', stream: 'class-a-bo' },
        ],
      }),
    );
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    const code = await main([
      'handout',
      '--config',
      cfg,
      '--inventory',
      join(dir, 'inv.json'),
      '--out',
      join(dir, 'out'),
    ]);
    log.mockRestore();
    expect(code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'bo.md'), 'utf8')).toContain(
      '| Kinesis stream | `class-a-bo` |',
    );
    expect(readFileSync(join(dir, 'out', 'ssh_config'), 'utf8')).toContain(
      'Host streamlab-class-a-bo\n  HostName "198.51.100.20"',
    );
    expect(readFileSync(join(dir, 'out', 'bo.known_hosts'), 'utf8')).toBe(
      `streamlab-class-a-bo ssh-ed25519 ${HOST_KEY}\n`,
    );
  });

  it('says to run up first when there is no inventory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-handout-'));
    const cfg = join(dir, 'streamlab.yaml');
    writeFileSync(cfg, 'name: class-a\nregion: eu-west-1\noperatorCidr: 198.51.100.0/24\n');
    const errors: string[] = [];
    const err = jest.spyOn(console, 'error').mockImplementation((m) => void errors.push(String(m)));
    const code = await main(['handout', '--config', cfg, '--inventory', join(dir, 'none.json')]);
    err.mockRestore();
    expect(code).toBe(1);
    expect(errors.join('')).toMatch(
      /cannot read the inventory .*none\.json.*run `streamlab up` first/,
    );
  });
});
