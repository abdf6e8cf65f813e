/**
 * Ctrl-C in `up` outside terraform: acknowledged at once with what happens next, and the
 * step that was waiting (the quota check, the question, discovery) is left behind with
 * exit 130 and a hint. Stand-in terraform and AWS (terraform's own Ctrl-C, for real:
 * test/integration/labs/aws/terraform/interrupt.test.ts and interrupted-up-moto.test.ts).
 */
import { EventEmitter } from 'node:events';
import { parseConfig } from '../../../../config/load';
import { OperationalError } from '../../../../config/errors';
import { memoryReporter } from '../../../../labs/progress';
import type { StackTerraform } from '../../../../labs/aws/stack';
import { runUp, type UpDeps } from '../../../../labs/aws/up';
import { Interrupts } from '../../../../labs/interrupts';
import { standInUpDeps } from '../../../support/up-deps';

const config = parseConfig({ name: 'demo', region: 'us-east-1', operatorCidr: '10.1.2.3/32' });

const tf: StackTerraform = {
  init: async () => {},
  plan: async () => ({
    create: 1,
    update: 0,
    replace: 0,
    delete: 0,
    byType: { aws_instance: { create: 1, update: 0, replace: 0, delete: 0 } },
    hasChanges: true,
  }),
  apply: async () => {},
  outputs: async () => ({}),
  stateList: async () => [],
};

const never = () => new Promise<never>(() => {});

const deps = (over: Partial<UpDeps>) => standInUpDeps(tf, over);

async function interruptWhile(over: Partial<UpDeps>, confirm = async () => true) {
  const signals = new EventEmitter();
  const said: string[] = [];
  const interrupts = new Interrupts(signals, (t) => said.push(t));
  const pending = runUp(
    { config, reporter: memoryReporter(), confirm, interrupts },
    deps(over),
  ).then(
    () => new OperationalError('up finished although interrupted'),
    (e: unknown) => e as OperationalError,
  );
  // Let `up` reach the step that waits forever.
  await new Promise((r) => setTimeout(r, 50));
  signals.emit('SIGINT');
  const err = await pending;
  return { err, said, signals };
}

describe('up: Ctrl-C outside terraform', () => {
  it('during the quota check: stops before anything is changed', async () => {
    const { err, said, signals } = await interruptWhile({ checkQuotas: never });
    expect(said).toEqual(['stopping before anything is changed']);
    expect(err).toBeInstanceOf(OperationalError);
    expect(err.exitCode).toBe(130);
    expect(err.message).toBe('interrupted: streamlab up stopped during prepare');
    expect(err.hint).toBe('nothing was changed');
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('at the question: stops before the apply', async () => {
    let applied = false;
    const { err } = await interruptWhile(
      { terraform: () => ({ ...tf, apply: async () => void (applied = true) }) },
      never,
    );
    expect(err.exitCode).toBe(130);
    expect(applied).toBe(false);
  });
});
