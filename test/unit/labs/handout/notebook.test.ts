/** The handout's notebook section: every widget, the reader role, values the notebook accepts. */
import { runSync } from '../../../../process/run';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../../config/load';
import { main } from '../../../../scripts/cli/dispatch';
import {
  ensureReaderExternalIds,
  storedReaderExternalIds,
} from '../../../../labs/local-state/reader-external-ids';
import { notebookSection, notebookWidgets } from '../../../../labs/handout/notebook';

const CONSUMER_DIR = join(__dirname, '../../../../consumer');
const ARN = 'arn:aws:iam::123456789012:role/class-a-ana-reader';
const consumer = { readerPrincipal: 'arn:aws:iam::210987654321:role/databricks-cluster' };
const READER = { roleArn: ARN, externalId: 'class-a-ext-42' };
const plain = parseConfig({
  name: 'class-a',
  region: 'eu-west-1',
  operatorCidr: '198.51.100.0/24',
  students: ['ana', 'bo-r'],
});
const withReader = parseConfig({ ...plain, consumer });
/** A host's record as `streamlab up` writes it: the stream synth named, the lab's region. */
const host = (name: string) => ({ name, stream: `class-a-${name}`, region: 'eu-west-1' });

/** Widget names as the notebook defines them (consumer/settings.py WIDGETS). */
function notebookWidgetNames(): string[] {
  const module = readFileSync(join(CONSUMER_DIR, 'settings.py'), 'utf8');
  const block = module.slice(module.indexOf('WIDGETS: tuple[Widget, ...] = ('));
  return [...block.slice(0, block.indexOf('\n)\n')).matchAll(/Widget\("(\w+)"/g)].map((m) => m[1]!);
}

/** The notebook's own read_settings on these widget values (real Python, no Spark needed). */
function pythonSettings(values: Record<string, string>): {
  mode: string;
  options: Record<string, string>;
  table: string;
  checkpoint: string;
} {
  const code = [
    'import json, sys',
    'import run_files',
    'sc = run_files.load()',
    's = sc.read_settings(json.loads(sys.argv[1]), secret=lambda scope, key: "k")',
    'print(json.dumps({"mode": s.mode, "options": s.options, "table": s.table, "checkpoint": s.checkpoint}))',
  ].join('\n');
  const out = runSync(['/usr/bin/python3', '-c', code, JSON.stringify(values)], {
    cwd: CONSUMER_DIR,
  }).stdout;
  return JSON.parse(out) as ReturnType<typeof pythonSettings>;
}
import { fingerprintOf } from '../../../../provisioning/engine/host-key';

const HOST_KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIBdEmR3m9zr0y9mRpHGZ5sK2Nn0tZ4wKZt7b2gUuXk4V';

const valuesOf = (widgets: ReturnType<typeof notebookWidgets>) =>
  Object.fromEntries(widgets.map((w) => [w.name, w.value]));

describe('handout notebook section', () => {
  it('gives a value for every widget the notebook shows, in its order', () => {
    expect(notebookWidgets(plain, host('ana')).map((w) => w.name)).toEqual(notebookWidgetNames());
    expect(notebookWidgetNames()).toContain('role_external_id');
  });

  it('values the notebook accepts: classic with the reader role and its external id', () => {
    const settings = pythonSettings(valuesOf(notebookWidgets(withReader, host('ana'), READER)));
    expect(settings).toMatchObject({
      mode: 'classic',
      options: {
        streamName: 'class-a-ana',
        region: 'eu-west-1',
        initialPosition: 'latest',
        roleArn: ARN,
        roleExternalId: 'class-a-ext-42',
      },
    });
  });

  it('values the notebook accepts: serverless, a table and checkpoint per student', () => {
    const values = {
      ...valuesOf(notebookWidgets(plain, host('bo-r'))),
      mode: 'serverless',
      service_credential: 'cred',
    };
    expect(pythonSettings(values)).toMatchObject({
      mode: 'serverless',
      table: 'workspace.default.class_a_bo_r_tweets',
      checkpoint: '/Volumes/workspace/default/streamlab/checkpoints/class-a-bo-r',
    });
  });

  it('leaves the role widgets empty without the consumer config', () => {
    const v = valuesOf(notebookWidgets(plain, host('ana'), READER));
    expect([v.role_arn, v.role_external_id]).toEqual(['', '']);
    expect(notebookSection(plain, host('ana'))).toContain('| role_arn | (empty) |');
  });
});

describe('streamlab handout with config consumer', () => {
  const ana = {
    name: 'ana',
    address: '198.51.100.10',
    port: 22,
    user: 'ubuntu',
    privateKeyPath: '/home/prof/.streamlab/keys/class-a/ana',
    // Pinned with the key itself (as from the EC2 console): handout writes known_hosts from
    // it and never runs ssh-keyscan against these documentation addresses.
    hostPublicKey: `ssh-ed25519 ${HOST_KEY}`,
    hostKeyFingerprint: fingerprintOf(Buffer.from(HOST_KEY, 'base64')),
    stream: 'class-a-ana',
    region: 'eu-west-1',
  };

  function lab(outputs: object) {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-handout-reader-'));
    const cfg = join(dir, 'streamlab.yaml');
    writeFileSync(
      cfg,
      JSON.stringify({
        name: 'class-a',
        region: 'eu-west-1',
        operatorCidr: '198.51.100.0/24',
        students: ['ana', 'bo-r'],
        consumer,
      }),
    );
    const [inv, out, outputsFile] = ['inv.json', 'out', 'outputs.json'].map((f) => join(dir, f));
    const hosts = [ana, { ...ana, name: 'bo-r', address: '198.51.100.20', stream: 'class-a-bo-r' }];
    writeFileSync(inv!, JSON.stringify({ hosts }));
    writeFileSync(outputsFile!, JSON.stringify(outputs));
    // What `streamlab up` generated in this folder: one id per student.
    ensureReaderExternalIds('class-a', ['ana', 'bo-r'], dir);
    const args = ['handout', '--config', cfg, '--inventory', inv!, '--out', out!];
    args.push('--outputs', outputsFile!);
    return { dir, args };
  }

  /** The handout command, run from `dir` (the lab's local state is beside the config). */
  async function run(args: string[], dir: string) {
    const lines: string[] = [];
    const cwd = process.cwd();
    process.chdir(dir);
    const log = jest.spyOn(console, 'log').mockImplementation((m) => void lines.push(String(m)));
    const err = jest.spyOn(console, 'error').mockImplementation((m) => void lines.push(String(m)));
    const code = await main(args).finally(() => process.chdir(cwd));
    log.mockRestore();
    err.mockRestore();
    return { code, printed: lines.join('\n') };
  }

  it("writes each student's reader role ARN and their own external id, and prints neither", async () => {
    const { dir, args } = lab({
      reader_ana_role_arn: { value: ARN, type: 'string', sensitive: false },
      reader_bo_r_role_arn: {
        value: 'arn:aws:iam::123456789012:role/class-a-bo-r-reader',
        type: 'string',
        sensitive: false,
      },
    });
    const { code, printed } = await run(args, dir);
    expect(code).toBe(0);
    const ids = storedReaderExternalIds('class-a', dir);
    const page = readFileSync(join(dir, 'out', 'bo-r.md'), 'utf8');
    const anaPage = readFileSync(join(dir, 'out', 'ana.md'), 'utf8');
    expect(page).toContain('| role_arn | `arn:aws:iam::123456789012:role/class-a-bo-r-reader` |');
    expect(page).toContain(`| role_external_id | \`${ids['bo-r']}\` |`);
    expect(anaPage).toContain(`| role_arn | \`${ARN}\` |`);
    expect(anaPage).toContain(`| role_external_id | \`${ids.ana}\` |`);
    // Each page holds its student's id only: Ana's cannot be used to assume Bruno's role.
    expect(ids.ana).not.toBe(ids['bo-r']);
    expect(page).not.toContain(ids.ana);
    expect(anaPage).not.toContain(ids['bo-r']);
    expect(printed).not.toContain(ids.ana);
    expect(printed).not.toContain(ids['bo-r']);
  });

  it('names the missing output when the stack was applied without consumer', async () => {
    const { args, dir } = lab({
      reader_ana_role_arn: { value: ARN, type: 'string', sensitive: false },
    });
    const { code, printed } = await run(args, dir);
    expect(code).toBe(1);
    expect(printed).toContain(
      'terraform output reader_bo_r_role_arn is missing (config consumer is set): run `streamlab up`',
    );
  });
});
