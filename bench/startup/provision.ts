/**
 * An idempotent `streamlab provision` as a whole process against the one-ssh floor (every
 * read-only check of the producer-host playbook as ONE `ssh host 'sudo -n sh -c …'` on a new
 * connection), side by side in one hyperfine run on one fresh test host.
 *
 *   sudo npx tsx bench/startup/provision.ts [--runs 10]
 *
 * Needs root and the test host image (`streamlab lab rootfs`). Prints hyperfine's table
 * (wall and user+sys CPU of each process; the floor's CPU is ssh's, not the host's).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfigText } from '../../config/load';
import { factScript, uniqueFacts } from '../../provisioning/engine/facts';
import { quote } from '../../provisioning/engine/quote';
import { pendingHandlersFact } from '../../provisioning/engine/runner';
import { producerHostPlaybook, producerHostVars } from '../../provisioning/playbooks/producer-host';
import { sshArgs } from '../../labs/hosts/ssh-argv';
import { runAttached } from '../../process/run';
import { provision } from '../../provisioning/provision';
import { standInRecord } from '../../testhost/stand-in-record';

const here = { runDir: process.env.STREAMLAB_RUN_DIR || '/run/streamlab-bench' };
const testhost = require('../../testhost/api') as typeof import('../../testhost/api');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const ROOT = join(__dirname, '..', '..');
const CONFIG_FILE = join(ROOT, 'test/fixtures/provisioning/lab.yaml');
const APP = join(ROOT, 'test/fixtures/provisioning/producer-app');
const config = parseConfigText(readFileSync(CONFIG_FILE, 'utf8'), CONFIG_FILE);
const work = mkdtempSync(join(tmpdir(), 'streamlab-bench-startup-'));
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

async function main() {
  log('bringing up a fresh test host');
  const host = standInRecord(
    testhost.inventoryEntry(await testhost.hostUp('bstart', here)),
    config,
  );
  try {
    log('first run (converges the host)');
    const first = await provision({
      hosts: [host],
      config,
      vars: { producerAppDir: APP },
      run: { forks: 1 },
    });
    if (first.recap[host.name]!.failed) throw new Error(JSON.stringify(first.recap));

    const inventory = join(work, 'inventory.json');
    writeFileSync(inventory, JSON.stringify({ hosts: [host] }));
    const knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, testhost.knownHostsLine(host.name, here));
    const pb = producerHostPlaybook(producerHostVars(config, host, { producerAppDir: APP }));
    const script = factScript(
      uniqueFacts([pendingHandlersFact, ...pb.tasks.flatMap((t) => t.facts)]),
      'B',
    );
    // hyperfine -N splits commands on spaces, so the floor's quoted script goes in a file.
    const floor = join(work, 'floor.sh');
    writeFileSync(
      floor,
      `exec ${['ssh', ...sshArgs(host, knownHosts, [`sudo -n sh -c ${quote(script)}`], { batch: { connectTimeoutS: 10 } })].map(quote).join(' ')}\n`,
    );
    const cli =
      `node ${join(ROOT, 'scripts/streamlab.js')} provision --inventory ${inventory} ` +
      `--config ${CONFIG_FILE} --app-dir ${APP} --json`;
    const { code } = await runAttached(
      [
        'hyperfine',
        '-N',
        '--warmup',
        '2',
        '--runs',
        values.runs!,
        '-n',
        'one-ssh floor',
        `sh ${floor}`,
        '-n',
        'streamlab provision (idempotent)',
        cli,
      ],
      { env: { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` } },
    );
    if (code !== 0) throw new Error(`hyperfine exited ${code}`);
  } finally {
    log('taking the host down');
    await testhost.hostDown('bstart', here);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
