/**
 * A class on one machine (issue 23): `streamlab lab up --students N --raise-limits`, the
 * real CLI, in a scratch project, for each N given. Per N it measures
 * - `lab up`'s phases (from its own step lines) and each host's boot to SSH-ready (its
 *   "up at … (N ms)" line): the boot step's length is the whole boot;
 * - the wall time from starting `lab up` until `streamlab check --offline --json` passes for
 *   EVERY student (host reachable, producer active, records in the last 60 s);
 * - memory per host: the PSS of every process in the host's cgroup (v1 memory accounting is
 *   not on the hosts' hierarchies here), and the drop in the machine's MemAvailable;
 * - each producer's systemd restart count (a crash loop shows there first);
 * then `lab down`, and checks that fs.inotify.max_user_instances is back where it was.
 * Root on Linux; cache warm (the rootfs built, the lab's apt cache filled).
 *
 *   npx tsx bench/class/run.ts [N...]        (default: 1 10)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, sleep } from '../../process/run';
import { mapWithLimit } from '../../provisioning/engine/bounded';
import { hostList } from '../../testhost/api';
import { cgroupDirs, pidsIn } from '../../testhost/cgroup';
import { readOfflineLab } from '../../labs/offline/record';
import { allPass } from '../../labs/class/check-table';
import type { ClassSnapshot } from '../../labs/class/snapshot';
import { PRODUCER_SERVICE } from '../../provisioning/playbooks/producer-host';

const CLI = join(__dirname, '../../scripts/streamlab.js');
const LAB = 'bigdata-lab'; // the example config's name: the scratch project has no streamlab.yaml
const LIMIT_FILE = '/proc/sys/fs/inotify/max_user_instances';
/** How long records may take to flow from every student once `lab up` has returned. */
const FLOW_DEADLINE_MS = 10 * 60_000;
const env = { ...process.env, STREAMLAB_RUN_DIR: '/run/streamlab-bench-class' };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const readNumber = (file: string) => Number(readFileSync(file, 'utf8').trim());

function memAvailableKiB(): number {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return Number(m![1]);
}

/** Proportional set size of one process, in KiB (0 once it has gone). */
function pssKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Every process of one test host (its cgroup, nspawn included), its PSS summed, in MiB. */
function hostPssMiB(machine: string): number {
  const dir = cgroupDirs(machine)[0];
  if (!dir) throw new Error(`no cgroup for ${machine}`);
  return pidsIn(dir).reduce((sum, pid) => sum + pssKiB(pid), 0) / 1024;
}

interface Phase {
  readonly title: string;
  readonly ms: number;
}

/** `lab up` with its stderr read as it comes: the step lines and each host's boot line. */
async function labUp(work: string, n: number) {
  const phases: Phase[] = [];
  const boots: number[] = [];
  let open: { title: string; at: number } | undefined;
  let raised = '';
  const t0 = Date.now();
  const result = await run(
    [process.execPath, CLI, 'lab', 'up', '--students', String(n), '--raise-limits'],
    {
      cwd: work,
      env,
      allowFailure: true,
      onLine: (line, from) => {
        if (from !== 'stderr') return;
        process.stderr.write(`[${seconds(Date.now() - t0).padStart(7)}] ${line}\n`);
        const step = /^==> (.*)$/.exec(line);
        if (step) open = { title: step[1]!, at: Date.now() };
        else if (open && /^ {4}\w+ in \d/.test(line)) {
          phases.push({ title: open.title, ms: Date.now() - open.at });
          open = undefined;
        }
        const boot = /^ {4}\S+ \| up at \S+ \((\d+) ms\)$/.exec(line);
        if (boot) boots.push(Number(boot[1]));
        if (/\| raised fs\.inotify/.test(line)) raised = line.replace(/^.*\| /, '');
      },
    },
  );
  return { code: result.code, ms: Date.now() - t0, t0, phases, boots, raised };
}

async function checkOffline(work: string): Promise<ClassSnapshot | undefined> {
  const r = await run([process.execPath, CLI, 'check', '--offline', '--json'], {
    cwd: work,
    env,
    allowFailure: true,
  });
  try {
    return JSON.parse(r.stdout) as ClassSnapshot;
  } catch {
    return undefined;
  }
}

/** Each host's producer: systemd's restart count, and its journal's tail when it restarted. */
async function producerRestarts(work: string, hosts: readonly string[], log: string[]) {
  return mapWithLimit(hosts, 4, async (h) => {
    const ssh = (...cmd: string[]) =>
      run([process.execPath, CLI, 'ssh', h, '--offline', '--', ...cmd], {
        cwd: work,
        env,
        allowFailure: true,
      });
    const restarts = Number(
      (await ssh('systemctl', 'show', '-p', 'NRestarts', '--value', PRODUCER_SERVICE)).stdout,
    );
    if (restarts !== 0) {
      const journal = await ssh('journalctl', '-u', PRODUCER_SERVICE, '-n', '40', '--no-pager');
      log.push(`## ${h}: ${restarts} restart(s)`, journal.stdout, journal.stderr);
    }
    return restarts;
  });
}

async function measure(n: number): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'sl-bench-class-'));
  const limitBefore = readNumber(LIMIT_FILE);
  const availBefore = memAvailableKiB();
  const loadBefore = load();
  const diagnosis: string[] = [];
  try {
    const up = await labUp(work, n);
    if (up.code !== 0) diagnosis.push(`lab up exited ${up.code}`);
    let flowingMs: number | undefined;
    let snap: ClassSnapshot | undefined;
    while (Date.now() - up.t0 < up.ms + FLOW_DEADLINE_MS) {
      snap = await checkOffline(work);
      if (snap && allPass(snap)) {
        flowingMs = Date.now() - up.t0;
        break;
      }
      if (up.code !== 0) break;
      await sleep(2000);
    }
    if (flowingMs === undefined)
      diagnosis.push(
        `not every student passed: ${JSON.stringify(snap?.students.filter((s) => s.milestones.some((m) => !m.pass)))}`,
      );
    const record = readOfflineLab(LAB, work);
    const hosts = record ? await hostList({ runDir: record.runDir }) : [];
    const pss = hosts.map((h) => hostPssMiB(h.netns));
    const availDropMiB = (availBefore - memAvailableKiB()) / 1024;
    const restarts = await producerRestarts(
      work,
      hosts.map((h) => h.name),
      diagnosis,
    );
    const loadUp = load();

    const t1 = Date.now();
    const down = await run([process.execPath, CLI, 'lab', 'down'], {
      cwd: work,
      env,
      allowFailure: true,
    });
    const downMs = Date.now() - t1;
    const limitAfter = readNumber(LIMIT_FILE);
    if (limitAfter !== limitBefore)
      diagnosis.push(
        `fs.inotify.max_user_instances is ${limitAfter} after lab down, was ${limitBefore}`,
      );

    const boot = up.phases.find((p) => p.title.startsWith('booting'));
    const rows = [
      `### ${n} student(s)`,
      '',
      `| what | figure |`,
      `|---|---|`,
      `| \`lab up\` until it returned (exit ${up.code}) | ${seconds(up.ms)} |`,
      `| \`lab up\` start until \`check --offline\` passes for all ${n} | ${flowingMs === undefined ? 'never' : seconds(flowingMs)} |`,
      ...up.phases.map(
        (p) => `| phase: ${p.title.replace(/[:(].*$/, '').trim()} | ${seconds(p.ms)} |`,
      ),
      `| boot of all ${hosts.length} host(s) (the boot phase) | ${boot ? seconds(boot.ms) : '-'} |`,
      `| boot to SSH-ready per host: median (min-max) | ${seconds(median(up.boots))} (${seconds(Math.min(...up.boots))}-${seconds(Math.max(...up.boots))}) |`,
      `| PSS per host, MiB: median (min-max) | ${median(pss).toFixed(0)} (${Math.min(...pss).toFixed(0)}-${Math.max(...pss).toFixed(0)}) |`,
      `| PSS of all hosts | ${pss.reduce((a, b) => a + b, 0).toFixed(0)} MiB |`,
      `| machine's MemAvailable drop (whole lab, other users' work included) | ${availDropMiB.toFixed(0)} MiB |`,
      `| producer restarts (all hosts) | ${restarts.reduce((a, b) => a + b, 0)} |`,
      `| \`lab down\` (exit ${down.code}) | ${seconds(downMs)} |`,
      `| fs.inotify.max_user_instances: before / during / after down | ${limitBefore} / ${up.raised ? up.raised : 'not raised'} / ${limitAfter} |`,
      `| load average (1/5/15 min): before / records flowing | ${loadBefore} / ${loadUp} |`,
    ];
    console.error(rows.join('\n'));
    return diagnosis.length > 0 ? [...rows, '', 'Problems:', ...diagnosis] : rows;
  } finally {
    await run([process.execPath, CLI, 'lab', 'down'], { cwd: work, env, allowFailure: true });
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  const counts = process.argv.slice(2).map(Number);
  const out: string[] = [`measured ${new Date().toISOString()}`, ''];
  for (const n of counts.length > 0 ? counts : [1, 10]) out.push(...(await measure(n)), '');
  const text = out.join('\n');
  writeFileSync(join(tmpdir(), 'sl-bench-class-last.md'), text);
  console.log(text);
}

void main();
