import { EXIT } from '../../config/errors';
import { parseOptions, type Command } from '../cli/command';
import {
  ensurePackages,
  LAB_PACKAGES,
  planInstall,
  TEST_PACKAGES,
  thisMachine,
} from '../../testhost/packages';
import { usage } from './help/lab-packages';

export const command: Command = {
  usage,
  async run(args) {
    const { values } = parseOptions(args, {
      tests: { type: 'boolean', default: false },
      install: { type: 'boolean', default: false },
    });
    const wanted = values.tests ? TEST_PACKAGES : LAB_PACKAGES;
    const say = (l: string) => console.error(l);
    if (values.install) {
      await ensurePackages({ wanted, install: true, rerun: '', say });
      console.log(`all ${wanted.length} packages are installed`);
      return EXIT.ok;
    }
    const plan = await planInstall(thisMachine(), wanted);
    const missing = new Set(plan.kind === 'nothing' ? [] : plan.missing.map((p) => p.name));
    const width = Math.max(...wanted.map((p) => p.name.length));
    for (const p of wanted)
      console.log(
        `${missing.has(p.name) ? 'missing  ' : 'installed'}  ${p.name.padEnd(width)}  ${p.why}`,
      );
    if (plan.kind === 'nothing') return EXIT.ok;
    console.error(
      plan.kind === 'refuse'
        ? `streamlab: ${plan.reason}`
        : `install them with: streamlab lab packages${values.tests ? ' --tests' : ''} --install`,
    );
    return EXIT.failed;
  },
};
