/**
 * The AWS walkthrough rehearsed as a newcomer runs it: the commands docs/aws-lab.md gives
 * ("The walkthrough, rehearsed"), read from the page, run one by one through bash in a
 * folder of the clone (so `npm exec --no -- streamlab` is this clone's bin), for one host and for a
 * class of three: init, the rehearsal line, up (moto, stand-ins, apply, discovery,
 * provisioning), status (every producer active), tail (records the producers put into
 * moto's Kinesis), down (nothing left, the rehearsal ended). Nothing but the page decides
 * what runs; a step that exits non-zero fails the test, and so does a `down` that finds a
 * leftover (exit 1).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stopHostsEndpoint } from '../../../../labs/rehearsal/hosts-endpoint';
import { stopMoto, type MotoRecord } from '../../../../labs/rehearsal/moto';
import { rehearsalDir } from '../../../../labs/rehearsal/session';
import { rehearsalRunDir } from '../../../../labs/rehearsal/stand-ins';
import { run } from '../../../../process/run';
import { hostDownAll, hostList } from '../../../../testhost/api';
import { removeHostFilter } from '../../../../testhost/host-filter';
import { walkthroughsOf } from '../../../support/doc-walkthrough';
import { describeWith, missingForEmulator, ROOT } from '../../../support/emulated-aws';
import { isRoot } from '../../../support/root';
import { ownRunDir } from '../../../support/run-dir';
import { cleanUpEach } from '../../../support/clean-up';

jest.setTimeout(1_200_000);

const tail = (text: string, lines = 25) => text.trimEnd().split('\n').slice(-lines).join('\n');

const RUN_DIR = ownRunDir('walkthrough');
const missing = () => [
  ...missingForEmulator(),
  ...(isRoot ? [] : ['root (the stand-in hosts are systemd-nspawn test hosts)']),
];
const walkthroughs = walkthroughsOf(join(ROOT, 'docs', 'aws-lab.md'));

for (const { title, commands } of walkthroughs) {
  describeWith(missing)(`the rehearsed walkthrough of docs/aws-lab.md: ${title}`, () => {
    let dir = '';
    let failed: string | undefined;
    const env = { ...process.env, STREAMLAB_RUN_DIR: RUN_DIR };
    /** The lab's name, as `init` wrote it into the config. */
    const labName = () =>
      /^name: (\S+)$/m.exec(readFileSync(join(dir, 'streamlab.yaml'), 'utf8'))?.[1] ?? '';

    beforeAll(() => {
      // Inside the clone, in tmp/ (ignored by git and the linters), as the page says.
      mkdirSync(join(ROOT, 'tmp'), { recursive: true });
      dir = mkdtempSync(join(ROOT, 'tmp', 'walkthrough-'));
    });

    afterAll(async () => {
      // What a failed step left: the CLI's moto and gate (by their records), the stand-ins.
      const name = existsSync(join(dir, 'streamlab.yaml')) ? labName() : '';
      const rdir = rehearsalDir(name, dir);
      const motoFile = join(rdir, 'moto.json');
      await cleanUpEach(
        name === ''
          ? [['the walkthrough dir', () => rmSync(dir, { recursive: true, force: true })]]
          : [
              ['the Kinesis gate', () => stopHostsEndpoint(rdir)],
              [
                'moto',
                () =>
                  existsSync(motoFile) &&
                  stopMoto(JSON.parse(readFileSync(motoFile, 'utf8')) as MotoRecord),
              ],
              ['the stand-ins', () => hostDownAll({ runDir: rehearsalRunDir(name, RUN_DIR) })],
              ['their packet filter', () => removeHostFilter(rehearsalRunDir(name, RUN_DIR))],
              ['the walkthrough dir', () => rmSync(dir, { recursive: true, force: true })],
            ],
      );
    });

    it.each(commands.map((c) => [c]))('%s', async (command) => {
      if (failed) throw new Error(`not run: an earlier step failed (${failed})`);
      const started = Date.now();
      const r = await run(['bash', '-c', command], {
        cwd: dir,
        env,
        allowFailure: true,
        timeout: 1_100_000,
      });
      if (r.code !== 0) failed = command;
      // The reason first: a failed step's last lines of stderr, then of stdout (up's
      // progress runs to hundreds of lines, and CI keeps only the end of its log).
      expect({
        exit: r.code,
        output: r.code === 0 ? '' : `stderr:\n${tail(r.stderr)}\nstdout:\n${tail(r.stdout)}`,
      }).toEqual({ exit: 0, output: '' });
      console.log(`${command}: ${Date.now() - started} ms`);
    });

    it('down ended the rehearsal: no stand-in, no moto, no gate left', async () => {
      if (failed) throw new Error(`not checked: a step failed (${failed})`);
      const name = labName();
      expect(await hostList({ runDir: rehearsalRunDir(name, RUN_DIR) })).toEqual([]);
      const rdir = rehearsalDir(name, dir);
      expect(existsSync(join(rdir, 'moto.json'))).toBe(false);
      expect(existsSync(join(rdir, 'kinesis-gate.json'))).toBe(false);
    });
  });
}
