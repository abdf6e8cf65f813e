/**
 * The emulator harness's own pure parts: finding the terraform mirror (and what CI is told
 * when it is absent), the CLI config it writes, and the EC2 stand-in's rewrites, whose
 * console block must be one the product's parser (labs/aws/host-keys.ts) reads.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConsoleFingerprints } from '../../../labs/aws/host-keys';
import { rewriteAddresses, rewriteConsoleOutput } from '../../support/ec2-host-stand-in';
import {
  findProviderMirror,
  missingMirrorMessage,
  PROVIDER_SOURCE,
  writeMirrorCliConfig,
} from '../../support/terraform-mirror';

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
