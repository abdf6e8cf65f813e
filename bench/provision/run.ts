/**
 * Idempotent provisioning, streamlab against its floor and against Ansible at its fastest,
 * side by side in one run on converged test hosts (issue 25):
 *
 * - one host: `streamlab provision` as a whole process | the floor (every read-only check of
 *   the playbook as ONE `ssh host 'sudo -n sh -c …'`) | `ansible-playbook` with pipelining,
 *   ControlPersist (warm: its master connection is up) and the minimal fact subset;
 * - a class: every host at once, `streamlab provision --forks N` | `ansible-playbook --forks N`.
 *
 * Each measure is taken in turn within a repetition, so all see the same load; medians of
 * wall time, and the CPU the hosts spent (their cgroups: the fact script, sshd, sudo) and
 * this machine's process spent (GNU time). Ansible runs the twin of the lab playbook,
 * bench/ansible/producer-host.yml, which must report changed=0 on the converged hosts.
 *
 *   sudo npx tsx bench/provision/run.ts [--hosts 30] [--reps 5] [--class-reps 3] [--ansible-class-reps 1]
 *
 * Needs root, the test host image (`streamlab lab rootfs`) and Debian's ansible-core. More than
 * ~20 hosts need a higher fs.inotify.max_user_instances (each host's systemd takes several).
 * Prints a markdown table and writes bench/provision/last-run.json.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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
import { sshArgs } from '../../labs/hosts/ssh-argv';
import { run } from '../../process/run';
import { cgroupDirs } from '../../testhost/cgroup';
import { standInRecord } from '../../testhost/stand-in-record';

const here = { runDir: process.env.STREAMLAB_RUN_DIR || '/run/streamlab-bench' };
const testhost = require('../../testhost/api') as typeof import('../../testhost/api');

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '30' },
    reps: { type: 'string', default: '5' },
    'class-reps': { type: 'string', default: '3' },
    'ansible-class-reps': { type: 'string', default: '1' },
  },
});
const HOSTS = Number(values.hosts);
const REPS = Number(values.reps);
const CLASS_REPS = Number(values['class-reps']);
const ANSIBLE_CLASS_REPS = Number(values['ansible-class-reps']);
const ROOT = join(__dirname, '..', '..');
const CONFIG_FILE = join(ROOT, 'test/fixtures/provisioning/lab.yaml');
const APP = join(ROOT, 'test/fixtures/provisioning/producer-app');
const config = parseConfigText(readFileSync(CONFIG_FILE, 'utf8'), CONFIG_FILE);
const work = mkdtempSync(join(tmpdir(), 'streamlab-bench-'));
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One measured run: wall time, this machine's CPU of the process, the hosts' CPU. */
interface Sample {
  readonly wallMs: number;
  readonly localCpuMs: number;
  readonly hostCpuMs: number;
}

/** CPU the hosts' cgroups have used so far (systemd, sshd, sudo, the fact script…), in ms. */
function hostsCpuMs(hosts: readonly { netns: string }[]): number {
  let usec = 0;
  for (const h of hosts) {
    const dir = cgroupDirs(h.netns).find((d) => d.includes('/unified/'));
    if (!dir) throw new Error(`no cgroup v2 directory for ${h.netns}`);
    usec += Number(/usage_usec (\d+)/.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))![1]);
  }
  return usec / 1000;
}

/** Runs argv under GNU time; returns its stdout and the sample. */
async function measured(
  argv: string[],
  hosts: readonly { netns: string }[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stdout: string; sample: Sample }> {
  const timeFile = join(work, 'time');
  const cpu0 = hostsCpuMs(hosts);
  const t0 = Date.now();
  const r = await run(['/usr/bin/time', '-f', '%U %S', '-o', timeFile, ...argv], { env });
  const wallMs = Date.now() - t0;
  const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ');
  return {
    stdout: r.stdout,
    sample: {
      wallMs,
      localCpuMs: (Number(user) + Number(sys)) * 1000,
      hostCpuMs: hostsCpuMs(hosts) - cpu0,
    },
  };
}

async function main() {
  if (!Number.isInteger(HOSTS) || HOSTS < 1) throw new Error(`--hosts: "${values.hosts}"`);
  const names = Array.from({ length: HOSTS }, (_, i) => `bp${i + 1}`);
  log(`bringing up ${HOSTS} fresh host(s)`);
  const up = await Promise.all(names.map((n) => testhost.hostUp(n, here)));
  const hosts = up.map((h) => standInRecord(testhost.inventoryEntry(h), config));
  try {
    const knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, names.map((n) => testhost.knownHostsLine(n, here)).join(''));

    log(`first run: streamlab converges the ${HOSTS} host(s), all at once`);
    const t0 = Date.now();
    const first = await provision({
      hosts,
      config,
      vars: { producerAppDir: APP },
      run: { forks: HOSTS },
    });
    const firstMs = Date.now() - t0;
    for (const [name, rc] of Object.entries(first.recap))
      if (rc.failed || rc.unreachable) throw new Error(`${name}: ${JSON.stringify(rc)}`);

    // streamlab: the CLI as a user runs it (a whole process, a JSON inventory).
    const inventoryFile = (hs: readonly InventoryHost[]) => {
      const file = join(work, `inventory-${hs.length}.json`);
      writeFileSync(file, JSON.stringify({ hosts: hs }));
      return file;
    };
    const streamlab = async (hs: readonly InventoryHost[], hostsUp: typeof up) => {
      const { stdout, sample } = await measured(
        [
          process.execPath,
          join(ROOT, 'scripts/streamlab.js'),
          'provision',
          ...['--inventory', inventoryFile(hs), '--config', CONFIG_FILE, '--app-dir', APP],
          ...['--forks', String(hs.length), '--json'],
        ],
        hostsUp,
      );
      const recap = (JSON.parse(stdout) as { recap: Record<string, Record<string, number>> }).recap;
      for (const [name, rc] of Object.entries(recap))
        if (rc.changed || rc.failed || rc.unreachable)
          throw new Error(`streamlab re-run on ${name}: ${JSON.stringify(rc)}`);
      return sample;
    };

    // The floor: the playbook's read-only checks, as the engine sends them, over one ssh.
    const pb = producerHostPlaybook(producerHostVars(config, hosts[0]!, { producerAppDir: APP }));
    const script = factScript(
      uniqueFacts([pendingHandlersFact, ...pb.tasks.flatMap((t) => t.facts)]),
      '--streamlab-bench',
    );
    const floor = async () =>
      (
        await measured(
          [
            'ssh',
            ...sshArgs(hosts[0]!, knownHosts, [`sudo -n sh -c ${quote(script)}`], {
              batch: { connectTimeoutS: 10 },
            }),
          ],
          up.slice(0, 1),
        )
      ).sample;

    // Ansible at its fastest: pipelining, a persistent master connection per host, the
    // minimal fact subset (the playbook asks only the distribution), no interpreter search.
    // Each host's env file names its own stream: a host variable (JSON is YAML).
    const inventory = join(work, 'hosts.yml');
    writeFileSync(
      inventory,
      JSON.stringify({
        all: {
          hosts: Object.fromEntries(
            hosts.map((h) => [
              h.name,
              {
                ansible_host: h.address,
                ansible_user: h.user,
                ansible_ssh_private_key_file: h.privateKeyPath,
                env_file_content: envFileContent(
                  producerHostVars(config, h, { producerAppDir: APP }),
                ),
              },
            ]),
          ),
        },
      }),
    );
    const ansibleCfg = join(work, 'ansible.cfg');
    mkdirSync(join(work, 'cp'));
    writeFileSync(
      ansibleCfg,
      [
        '[defaults]',
        'host_key_checking = True',
        'gather_subset = !all',
        'interpreter_python = /usr/bin/python3',
        'retry_files_enabled = False',
        'nocolor = True',
        `local_tmp = ${join(work, 'ansible-tmp')}`,
        '[ssh_connection]',
        'pipelining = True',
        `ssh_args = -o ControlMaster=auto -o ControlPersist=600s -o UserKnownHostsFile=${knownHosts} -o IdentitiesOnly=yes`,
        `control_path_dir = ${join(work, 'cp')}`,
        '',
      ].join('\n'),
    );
    const staged = join(work, 'ansible-app');
    cpSync(APP, staged, {
      recursive: true,
      // The engine's rule (files.readLocalTree): exact names, or "*.ext" suffixes.
      filter: (src) =>
        !APP_EXCLUDES.some((e) =>
          e.startsWith('*.') ? src.endsWith(e.slice(1)) : basename(src) === e,
        ),
    });
    const extra = join(work, 'vars.json');
    writeFileSync(extra, JSON.stringify({ producer_app_dir: staged, unit_content: unitContent() }));
    const ansible = async (limit: readonly InventoryHost[], hostsUp: typeof up) => {
      const { stdout, sample } = await measured(
        [
          'ansible-playbook',
          ...['-i', inventory, '-e', `@${extra}`, '--forks', String(limit.length)],
          ...['--limit', limit.map((h) => h.name).join(',')],
          join(ROOT, 'bench/ansible/producer-host.yml'),
        ],
        hostsUp,
        { ...process.env, ANSIBLE_CONFIG: ansibleCfg },
      );
      const changed = [...stdout.split('PLAY RECAP')[1]!.matchAll(/changed=(\d+)/g)].map((m) =>
        Number(m[1]),
      );
      return { sample, changed: changed.reduce((a, b) => a + b, 0), stdout };
    };

    log('warming Ansible (master connections up; the converged hosts must give changed=0)');
    const warm = await ansible(hosts, up);
    if (warm.changed !== 0) {
      const again = await ansible(hosts, up);
      if (again.changed !== 0)
        throw new Error(`the Ansible twin keeps changing things:\n${again.stdout}`);
    }

    const one = { streamlab: [] as Sample[], floor: [] as Sample[], ansible: [] as Sample[] };
    for (let i = 0; i < REPS; i++) {
      log(`one host, repetition ${i + 1}/${REPS}`);
      one.streamlab.push(await streamlab(hosts.slice(0, 1), up.slice(0, 1)));
      one.floor.push(await floor());
      const a = await ansible(hosts.slice(0, 1), up.slice(0, 1));
      if (a.changed !== 0) throw new Error(`ansible re-run changed=${a.changed}`);
      one.ansible.push(a.sample);
    }
    const cls = { streamlab: [] as Sample[], ansible: [] as Sample[] };
    for (let i = 0; i < Math.max(CLASS_REPS, ANSIBLE_CLASS_REPS); i++) {
      log(`${HOSTS} hosts, repetition ${i + 1}`);
      if (i < CLASS_REPS) cls.streamlab.push(await streamlab(hosts, up));
      if (i < ANSIBLE_CLASS_REPS) {
        const a = await ansible(hosts, up);
        if (a.changed !== 0) throw new Error(`ansible class re-run changed=${a.changed}`);
        cls.ansible.push(a.sample);
      }
    }

    const med = (xs: Sample[]) => ({
      wallMs: median(xs.map((x) => x.wallMs)),
      localCpuMs: median(xs.map((x) => x.localCpuMs)),
      hostCpuMs: median(xs.map((x) => x.hostCpuMs)),
    });
    const results = {
      machine: { cores: availableParallelism(), loadAverageAtEnd: loadavg() },
      hosts: HOSTS,
      firstRunAllHostsMs: firstMs,
      oneHost: { streamlab: med(one.streamlab), floor: med(one.floor), ansible: med(one.ansible) },
      classOfHosts: { streamlab: med(cls.streamlab), ansible: med(cls.ansible) },
      samples: { one, cls },
    };
    // Formatted like the rest of the repository so `prettier --check` stays clean.
    const prettier = await import('prettier');
    writeFileSync(
      join(__dirname, 'last-run.json'),
      await prettier.format(JSON.stringify(results), { parser: 'json' }),
    );

    const o = results.oneHost;
    const c = results.classOfHosts;
    const row = (what: string, m: ReturnType<typeof med>, ratio: string) =>
      `| ${what} | ${s(m.wallMs)} | ${s(m.localCpuMs)} | ${s(m.hostCpuMs)} | ${ratio} |`;
    console.log(
      [
        `| idempotent re-run (medians) | wall | CPU here | CPU of the hosts | ratio |`,
        `| --- | --- | --- | --- | --- |`,
        row('1 host: floor, one `ssh host sudo -n sh -c …`', o.floor, ''),
        row(
          '1 host: `streamlab provision --json`, whole process',
          o.streamlab,
          `${(o.streamlab.wallMs / o.floor.wallMs).toFixed(2)}× the floor`,
        ),
        row(
          '1 host: `ansible-playbook`, pipelined, ControlPersist, warm',
          o.ansible,
          `streamlab ${(o.ansible.wallMs / o.streamlab.wallMs).toFixed(1)}× faster`,
        ),
        row(`${HOSTS} hosts: \`streamlab provision --forks ${HOSTS}\``, c.streamlab, ''),
        row(
          `${HOSTS} hosts: \`ansible-playbook --forks ${HOSTS}\``,
          c.ansible,
          `streamlab ${(c.ansible.wallMs / c.streamlab.wallMs).toFixed(1)}× faster`,
        ),
      ].join('\n'),
    );
    log(`first run of ${HOSTS} host(s) at once: ${s(firstMs)}`);
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
