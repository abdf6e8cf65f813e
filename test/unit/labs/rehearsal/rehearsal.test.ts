/**
 * The rehearsal's pure parts: finding the provider in a terraform mirror (the pinned
 * version, else the newest, else a message naming the pin), the CLI config it writes, the
 * stack overrides, the environment that points at the emulator, the config section, and
 * the EC2 stand-in's rewrites, whose console block must be one the product's parser
 * (labs/aws/host-keys.ts) reads.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConsoleFingerprints } from '../../../../labs/aws/host-keys';
import { rewriteAddresses, rewriteConsoleOutput } from '../../../../labs/rehearsal/host-stand-in';
import {
  chooseProvider,
  findProviderMirror,
  missingMirrorMessage,
  PROVIDER_SOURCE,
  writeMirrorCliConfig,
} from '../../../../labs/rehearsal/provider-mirror';
import { pointAtEmulator } from '../../../../labs/rehearsal/session';
import { rehearsalOverrides } from '../../../../labs/rehearsal/stack-overrides';
import { parseConfig } from '../../../../config/load';

const FP = 'SHA256:' + 'k'.repeat(43);
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'streamlab-harness-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('terraform mirror', () => {
  it('is the first root holding the provider version for a platform', () => {
    const empty = join(dir, 'empty');
    const root = join(dir, 'mirror');
    mkdirSync(empty);
    mkdirSync(join(root, PROVIDER_SOURCE, '5.100.0', 'linux_amd64'), { recursive: true });
    expect(findProviderMirror('5.100.0', [empty, root])).toBe(root);
    expect(findProviderMirror('6.0.0', [empty, root])).toBeUndefined();
  });

  it('absent: the message names the provider, every root looked in and the variable to set', () => {
    expect(missingMirrorMessage()).toMatch(
      /registry\.terraform\.io\/hashicorp\/aws 5\.100\.0: looked in .*\/opt\/tf-plugins.*STREAMLAB_TF_MIRROR/,
    );
  });

  const mirrorWith = (root: string, ...versions: string[]) => {
    for (const v of versions)
      mkdirSync(join(root, PROVIDER_SOURCE, v, 'linux_amd64'), { recursive: true });
    return root;
  };

  it('the pinned version when a mirror holds it, else the newest held (numerically)', () => {
    const a = mirrorWith(join(dir, 'a'), '5.9.0', '5.100.0');
    const b = mirrorWith(join(dir, 'b'), '6.66.0');
    expect(chooseProvider('6.66.0', [a, b])).toEqual({ version: '6.66.0', root: b, pinned: true });
    expect(chooseProvider('6.70.0', [a])).toEqual({ version: '5.100.0', root: a, pinned: false });
  });

  it('none held: the message names the pin and where it looked', () => {
    expect(() => chooseProvider('6.66.0', [join(dir, 'nothing')])).toThrow(
      new RegExp(
        `the stack pins 6\\.66\\.0 and no filesystem mirror holds any version \\(looked in ${dir}/nothing\\)`,
      ),
    );
  });

  it('the CLI config installs the AWS provider from the mirror and nothing from a registry', () => {
    const text = readFileSync(writeMirrorCliConfig(dir, '/opt/tf-plugins'), 'utf8');
    expect(text).toContain('path    = "/opt/tf-plugins"');
    expect(text).toContain(`include = ["${PROVIDER_SOURCE}"]`);
    expect(text).toContain('exclude = ["*/*/*"]');
  });
});

describe('EC2 host stand-in rewrites', () => {
  const moto = Buffer.from('Linux version 2.6.16-xenU\nBIOS-provided physical RAM map:\n');

  it('GetConsoleOutput: moto text plus a block the product parser pins', () => {
    const xml = `<GetConsoleOutputResponse><instanceId>i-1</instanceId><output>${moto.toString('base64')}</output></GetConsoleOutputResponse>`;
    const out = rewriteConsoleOutput(xml, { address: '10.200.0.2', fingerprint: FP });
    const b64 = /<output>([^<]*)<\/output>/.exec(out)![1]!;
    const text = Buffer.from(b64, 'base64').toString('utf8');
    expect(text.startsWith(moto.toString())).toBe(true);
    expect(parseConsoleFingerprints(text)).toEqual({ ED25519: FP });
  });

  it('DescribeInstances with one stand-in per instance: each instance gets its own address', () => {
    const item = (id: string, ip: string) =>
      `<item><instanceId>${id}</instanceId><dnsName>ec2-${ip}.amazonaws.com</dnsName><ipAddress>${ip}</ipAddress></item>`;
    const xml = item('i-a', '54.0.0.1') + item('i-b', '54.0.0.2') + item('i-c', '54.0.0.3');
    const standIns: Record<string, string> = { 'i-a': '10.200.0.2', 'i-b': '10.200.1.2' };
    const out = rewriteAddresses(xml, (id) =>
      standIns[id] ? { address: standIns[id], fingerprint: FP } : undefined,
    );
    expect(out).toBe(
      `<item><instanceId>i-a</instanceId><dnsName>10.200.0.2</dnsName><ipAddress>10.200.0.2</ipAddress></item>` +
        `<item><instanceId>i-b</instanceId><dnsName>10.200.1.2</dnsName><ipAddress>10.200.1.2</ipAddress></item>` +
        item('i-c', '54.0.0.3'),
    );
  });

  it('DescribeInstances: public DNS and IPv4 become the stand-in address, private ones stay', () => {
    const xml =
      '<item><privateDnsName>ip-10-0-0-5.ec2.internal</privateDnsName><dnsName>ec2-54-1-2-3.compute-1.amazonaws.com</dnsName>' +
      '<privateIpAddress>10.0.0.5</privateIpAddress><ipAddress>54.1.2.3</ipAddress></item>';
    expect(rewriteAddresses(xml, { address: '10.200.0.2', fingerprint: FP })).toBe(
      '<item><privateDnsName>ip-10-0-0-5.ec2.internal</privateDnsName><dnsName>10.200.0.2</dnsName>' +
        '<privateIpAddress>10.0.0.5</privateIpAddress><ipAddress>10.200.0.2</ipAddress></item>',
    );
  });
});

describe('stack overrides', () => {
  it('an older provider: pinned to it, nodejs22.x for Lambda, monitoring off, EC2 to moto', () => {
    const reasons = rehearsalOverrides('5.100.0', '6.66.0', 'http://127.0.0.1:5000').map(
      (o) => o.reason,
    );
    expect(reasons).toEqual([
      expect.stringContaining("pins hashicorp/aws 6.66.0; the mirror's 5.100.0 stands in"),
      expect.stringContaining('nodejs24.x'),
      expect.stringContaining('MonitorInstances'),
      expect.stringContaining('path-style S3'),
    ]);
  });

  it('the pinned provider: no pin and no runtime override', () => {
    const reasons = rehearsalOverrides('6.66.0', '6.66.0', 'http://127.0.0.1:5000').map(
      (o) => o.reason,
    );
    expect(reasons).toHaveLength(2);
  });
});

describe('the environment a rehearsal runs in', () => {
  it('points at the emulator and keeps no profile, session or per-service endpoint of the user', () => {
    const env: NodeJS.ProcessEnv = {
      AWS_PROFILE: 'prod',
      AWS_SESSION_TOKEN: 'secret',
      AWS_ACCESS_KEY_ID: 'AKIAREAL',
      AWS_ENDPOINT_URL_EC2: 'https://ec2.example',
      PATH: '/usr/bin',
    };
    pointAtEmulator(env, {
      endpoint: 'http://127.0.0.1:5000',
      region: 'eu-west-1',
      cliConfig: '/x/tfrc',
      emptyAwsConfig: '/x/empty',
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      CHECKPOINT_DISABLE: '1',
      TF_CLI_CONFIG_FILE: '/x/tfrc',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'eu-west-1',
      AWS_CONFIG_FILE: '/x/empty',
      AWS_SHARED_CREDENTIALS_FILE: '/x/empty',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
    });
  });
});

describe('the rehearsal: section', () => {
  const base = { name: 'demo', region: 'us-east-1', operatorCidr: '10.0.0.0/24' };

  it('empty: streamlab runs moto; endpoint: one on loopback', () => {
    expect(parseConfig({ ...base, rehearsal: {} }).rehearsal).toEqual({});
    expect(
      parseConfig({ ...base, rehearsal: { endpoint: 'http://127.0.0.1:5000' } }).rehearsal,
    ).toEqual({ endpoint: 'http://127.0.0.1:5000' });
  });

  it('refuses an endpoint off this machine, search, a budget and a remote backend, naming the field', () => {
    expect(() => parseConfig({ ...base, rehearsal: { endpoint: 'http://10.1.2.3:5000' } })).toThrow(
      /rehearsal\.endpoint.*not an http URL on loopback/s,
    );
    expect(() => parseConfig({ ...base, rehearsal: {}, search: { enabled: true } })).toThrow(
      /search\.enabled.*a rehearsal cannot create the search domain/s,
    );
    expect(() =>
      parseConfig({
        ...base,
        rehearsal: {},
        class: {
          hours: 3,
          budget: { amount: 20, period: 'monthly', notify: 'teacher@example.org' },
        },
      }),
    ).toThrow(/class\.budget.*a rehearsal cannot create the budget/s);
    expect(() => parseConfig({ ...base, rehearsal: {}, backend: { bucket: 'my-state' } })).toThrow(
      /backend.*a rehearsal keeps its state locally/s,
    );
  });
});
