/**
 * Provisioning benchmark, streamlab vs ansible-playbook side by side on fresh test hosts:
 * first run, idempotent re-run (CLI wall time and engine time), the floor (the same
 * read-only checks as one ssh command), and N hosts in parallel vs one.
 *
 *   sudo npx tsx bench/provision/run.ts [--reps 5] [--parallel 10]
 *
 * Prints a markdown table and writes bench/provision/last-run.json.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfigText } from '../../config/load';
import { factScript, uniqueFacts } from '../../provisioning/engine/facts';
import { quote } from '../../provisioning/engine/quote';
import { pendingHandlersFact } from '../../provisioning/engine/runner';
import type { InventoryHost } from '../../provisioning/inventory';
import {
  APP_EXCLUDES,
  envFileContent,
  producerHostPlaybook,
  producerHostVars,
  unitContent,
} from '../../provisioning/playbooks/producer-host';
import { provision } from '../../provisioning/provision';
import { standInRecord } from '../../testhost/stand-in-record';
import { readFileSync } from 'node:fs';
import { sshArgs } from '../../labs/hosts/ssh-argv';
import { run } from '../../process/run';

const here = { runDir: process.env.STREAMLAB_RUN_DIR || '/run/streamlab-bench' };
const testhost = require('../../testhost/api') as typeof import('../../testhost/api');

const { values } = parseArgs({
  options: { reps: { type: 'string', default: '5' }, parallel: { type: 'string', default: '10' } },
});
const REPS = Number(values.reps);
const PARALLEL = Number(values.parallel);
const ROOT = join(__dirname, '..', '..');
const CONFIG_FILE = join(ROOT, 'test/fixtures/provisioning/lab.yaml');
const APP = join(ROOT, 'test/fixtures/provisioning/producer-app');
const config = parseConfigText(readFileSync(CONFIG_FILE, 'utf8'), CONFIG_FILE);
const work = mkdtempSync(join(tmpdir(), 'streamlab-bench-'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number) => (ms / 1000).toFixed(2);
async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = Date.now();
  const r = await fn();
  return [Date.now() - t, r];
}
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

// A test host's public details are an inventory entry; the stream is the one synth names.
const inventoryHost = (h: Awaited<ReturnType<typeof testhost.hostUp>>) =>
  standInRecord(testhost.inventoryEntry(h), config);

async function engine(hosts: InventoryHost[], forks = 10) {
  const r = await provision({ hosts, config, vars: { producerAppDir: APP }, run: { forks } });
  for (const [name, rc] of Object.entries(r.recap)) {
    if (rc.failed || rc.unreachable) throw new Error(`${name}: ${JSON.stringify(rc)}`);
  }
  return r;
}

async function cli(inventory: string) {
  const { stdout } = await run([
    'node',
    join(ROOT, 'scripts/streamlab.js'),
    'provision',
    '--inventory',
    inventory,
    '--config',
    CONFIG_FILE,
    '--app-dir',
    APP,
    '--json',
  ]);
  return JSON.parse(stdout) as { recap: Record<string, { changed: number }> };
}

async function ansible(host: InventoryHost) {
  const kh = join(work, `${host.name}.known_hosts`);
  writeFileSync(kh, testhost.knownHostsLine(host.name, here));
  const inv = join(work, `${host.name}.ini`);
  writeFileSync(
    inv,
    `${host.name} ansible_host=${host.address} ansible_user=${host.user} ansible_ssh_private_key_file=${host.privateKeyPath} ansible_ssh_common_args='-o UserKnownHostsFile=${kh}'\n`,
  );
  const vars = producerHostVars(config, standInRecord(host, config), { producerAppDir: APP });
  const staged = join(work, 'ansible-app');
  rmSync(staged, { recursive: true, force: true });
  cpSync(APP, staged, {
    recursive: true,
    filter: (src) => !APP_EXCLUDES.some((e) => src.endsWith(`/${e}`)),
  });
  const extra = join(work, 'vars.json');
  writeFileSync(
    extra,
    JSON.stringify({
      producer_app_dir: staged,
      env_file_content: envFileContent(vars),
      unit_content: unitContent(),
    }),
  );
  const { stdout } = await run(
    [
      'ansible-playbook',
      '-i',
      inv,
      '-e',
      `@${extra}`,
      join(ROOT, 'bench/ansible/producer-host.yml'),
    ],
    {
      env: {
        ...process.env,
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_RETRY_FILES_ENABLED: 'false',
        ANSIBLE_LOCAL_TEMP: join(work, 'ansible-tmp'),
      },
    },
  );
  const m = /changed=(\d+)/.exec(stdout.split('PLAY RECAP')[1] ?? '');
  return { changed: Number(m?.[1] ?? NaN) };
}

/** The floor: every read-only check of the playbook as ONE ssh command (new connection). */
async function floor(host: InventoryHost) {
  const pb = producerHostPlaybook(
    producerHostVars(config, standInRecord(host, config), { producerAppDir: APP }),
  );
  const script = factScript(
    uniqueFacts([pendingHandlersFact, ...pb.tasks.flatMap((t) => t.facts)]),
    'B',
  );
  const kh = join(work, `${host.name}.known_hosts`);
  writeFileSync(kh, testhost.knownHostsLine(host.name, here));
  await run([
    'ssh',
    ...sshArgs(host, kh, [`sudo -n sh -c ${quote(script)}`], { batch: { connectTimeoutS: 10 } }),
  ]);
}

async function main() {
  const names = ['bs', 'ba', ...Array.from({ length: PARALLEL }, (_, i) => `bp${i + 1}`)];
  log(`bringing up ${names.length} fresh hosts`);
  const up = await Promise.all(names.map((n) => testhost.hostUp(n, here)));
  const [s, a, ...par] = up.map(inventoryHost);
  try {
    const results: Record<string, unknown> = {};
    log('first run: streamlab');
    const [sFirst, sFirstR] = await timed(() => engine([s!]));
    log('first run: ansible');
    const [aFirst, aFirstR] = await timed(() => ansible(a!));
    results.first = {
      streamlabMs: sFirst,
      streamlabChanged: sFirstR.recap[s!.name]!.changed,
      ansibleMs: aFirst,
      ansibleChanged: aFirstR.changed,
    };

    const inv = join(work, 'inventory.json');
    writeFileSync(inv, JSON.stringify({ hosts: [s] }));
    const cliMs: number[] = [];
    const engineMs: number[] = [];
    const ansibleMs: number[] = [];
    const floorMs: number[] = [];
    for (let i = 0; i < REPS; i++) {
      log(`idempotent re-run ${i + 1}/${REPS}`);
      const [c, cr] = await timed(() => cli(inv));
      if (cr.recap[s!.name]!.changed !== 0) throw new Error('streamlab re-run changed something');
      cliMs.push(c);
      engineMs.push((await engine([s!])).durationMs);
      const [an, ar] = await timed(() => ansible(a!));
      if (ar.changed !== 0) throw new Error(`ansible re-run changed=${ar.changed}`);
      ansibleMs.push(an);
      floorMs.push((await timed(() => floor(s!)))[0]);
    }
    results.idempotent = {
      streamlabCliMs: median(cliMs),
      streamlabEngineMs: median(engineMs),
      ansibleMs: median(ansibleMs),
      floorMs: median(floorMs),
      samples: { cliMs, engineMs, ansibleMs, floorMs },
    };

    log(`first run on ${PARALLEL} hosts in parallel`);
    const [pFirst] = await timed(() => engine(par, PARALLEL));
    const oneMs: number[] = [];
    const allMs: number[] = [];
    for (let i = 0; i < REPS; i++) {
      oneMs.push((await engine([par[0]!])).durationMs);
      allMs.push((await engine(par, PARALLEL)).durationMs);
    }
    results.parallel = {
      hosts: PARALLEL,
      firstRunMs: pFirst,
      idempotentOneMs: median(oneMs),
      idempotentAllMs: median(allMs),
      samples: { oneMs, allMs },
    };
    // Formatted like the rest of the repository so `prettier --check` stays clean.
    const prettier = await import('prettier');
    writeFileSync(
      join(__dirname, 'last-run.json'),
      await prettier.format(JSON.stringify(results), { parser: 'json' }),
    );

    const f = results.first as { streamlabMs: number; ansibleMs: number };
    const id = results.idempotent as {
      streamlabCliMs: number;
      streamlabEngineMs: number;
      ansibleMs: number;
      floorMs: number;
    };
    const p = results.parallel as {
      idempotentOneMs: number;
      idempotentAllMs: number;
      firstRunMs: number;
    };
    console.log(
      [
        `| measure | streamlab | ansible-playbook | ratio |`,
        `| --- | --- | --- | --- |`,
        `| first run, fresh host | ${seconds(f.streamlabMs)} s | ${seconds(f.ansibleMs)} s | ${(f.ansibleMs / f.streamlabMs).toFixed(1)}× faster |`,
        `| idempotent re-run (CLI process, median of ${REPS}) | ${seconds(id.streamlabCliMs)} s | ${seconds(id.ansibleMs)} s | ${(id.ansibleMs / id.streamlabCliMs).toFixed(1)}× faster |`,
        `| idempotent re-run (engine: connect + facts + plan) | ${seconds(id.streamlabEngineMs)} s | | ${(id.ansibleMs / id.streamlabEngineMs).toFixed(1)}× faster |`,
        `| floor: same checks as one \`ssh host 'sudo sh -c …'\` | ${seconds(id.floorMs)} s | | engine ${(id.streamlabEngineMs / id.floorMs).toFixed(2)}× floor, CLI ${(id.streamlabCliMs / id.floorMs).toFixed(2)}× floor |`,
        `| ${PARALLEL} hosts in parallel, first run | ${seconds(p.firstRunMs)} s | | |`,
        `| idempotent: 1 host vs ${PARALLEL} in parallel (engine) | ${seconds(p.idempotentOneMs)} s vs ${seconds(p.idempotentAllMs)} s | | ${(p.idempotentAllMs / p.idempotentOneMs).toFixed(2)}× |`,
      ].join('\n'),
    );
  } finally {
    log('taking the hosts down');
    await Promise.all(names.map((n) => testhost.hostDown(n, here)));
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
