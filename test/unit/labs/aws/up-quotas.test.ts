/**
 * `up` with the quota preflight: a quota too low for the plan stops it after the plan and
 * before the question and the apply (nothing changed), naming quota, need and limit; a
 * check AWS would not answer is a warning and `up` goes on. Stand-in terraform and a
 * stand-in quota check (the decisions themselves: test/unit/labs/aws/quotas.test.ts; for real
 * against moto: test/integration/labs/aws/cli-moto.test.ts).
 */
import { parseConfig } from '../../../../config/load';
import {
  decideVcpus,
  unchecked,
  type QuotaCheck,
  type QuotaNeeds,
} from '../../../../labs/aws/quotas';
import { OperationalError } from '../../../../config/errors';
import { memoryReporter } from '../../../../labs/progress';
import type { StackTerraform } from '../../../../labs/aws/stack';
import { runUp, type UpDeps } from '../../../../labs/aws/up';
import { standInUpDeps } from '../../../support/up-deps';

const thirty = Array.from({ length: 30 }, (_, i) => `s${i}`);
const config = parseConfig({
  name: 'demo',
  region: 'us-east-1',
  operatorCidr: '203.0.113.7/32',
  students: thirty,
});

function fakeTerraform(): StackTerraform & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    init: async () => void calls.push('init'),
    plan: async () => (
      calls.push('plan'),
      {
        create: 30,
        update: 0,
        replace: 0,
        delete: 0,
        byType: { aws_instance: { create: 30, update: 0, replace: 0, delete: 0 } },
        hasChanges: true,
      }
    ),
    apply: async () => void calls.push('apply'),
    outputs: async () => ({}),
    stateList: async () => [],
  };
}

function deps(tf: StackTerraform, checks: QuotaCheck[], seen: QuotaNeeds[]): UpDeps {
  return standInUpDeps(tf, { checkQuotas: async (_region, needs) => (seen.push(needs), checks) });
}

describe('up: the quota preflight', () => {
  it('30 × t3.micro against 32 vCPUs: stops before the question and the apply, naming it all', async () => {
    const tf = fakeTerraform();
    const seen: QuotaNeeds[] = [];
    const short = decideVcpus({
      instances: 30,
      instanceType: 't3.micro',
      vcpusPerInstance: 2,
      limit: 32,
    });
    const r = memoryReporter();
    let asked = false;
    const e = await runUp(
      { config, reporter: r, confirm: async () => ((asked = true), true) },
      deps(tf, [short], seen),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OperationalError);
    expect((e as OperationalError).exitCode).toBe(1);
    expect((e as Error).message).toMatch(
      /limits are too low for this plan in us-east-1 \(nothing was changed\):\n {2}Running On-Demand Standard .*: need 60 vCPUs .* the quota is 32.*\n {4}ask for 60 or more/s,
    );
    expect(asked).toBe(false);
    expect(tf.calls).toEqual(['init', 'plan']);
    expect(seen[0]).toMatchObject({ instances: 30, instanceType: 't3.micro' });
    expect(r.lines.join('\n')).toContain('quota | TOO LOW: Running On-Demand Standard');
  });

  it('a check AWS does not answer is a warning: up asks and goes on', async () => {
    const tf = fakeTerraform();
    const warning = unchecked(
      'Lambda unreserved concurrent executions',
      'Lambda GetAccountSettings',
      {
        name: 'AccessDeniedException',
        message: 'not authorized',
      },
    );
    const r = memoryReporter();
    let asked = false;
    const result = await runUp(
      // Declining after the question: the preflight let it through.
      { config, reporter: r, confirm: async () => ((asked = true), false) },
      deps(tf, [warning], []),
    );
    expect(asked).toBe(true);
    expect(result.exitCode).toBe(1);
    expect(r.lines.join('\n')).toContain(
      'quota | warning: Lambda unreserved concurrent executions: could not check: Lambda GetAccountSettings answered AccessDeniedException: not authorized',
    );
  });
});
