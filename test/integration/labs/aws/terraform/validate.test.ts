/**
 * The synthesized stacks against the real hashicorp/aws provider's schema (`terraform
 * validate`, provider 5.100.0 from the filesystem mirror; test-only overrides: the version
 * pin and the nodejs24.x runtime 5.x does not know, see labs/rehearsal/stack-overrides.ts).
 * Another config to validate is one more row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabConfigInput } from '../../../../../config/schema';
import { describeWith } from '../../../../support/emulated-aws';
import { labConfig } from '../../../../support/lab-stack';
import {
  findProviderMirror,
  MIRRORED_AWS_VERSION,
  missingMirrorMessage,
} from '../../../../../labs/rehearsal/provider-mirror';
import { which } from '../../../../../process/which';
import { pinProvider } from '../../../../../labs/rehearsal/stack-overrides';
import { validateStack } from '../../../../support/validate-stack';

jest.setTimeout(300_000);

const thirty = Array.from({ length: 30 }, (_, i) => `student${String(i + 1).padStart(2, '0')}`);

const CASES: Array<[string, Partial<LabConfigInput>]> = [
  [
    'a class with an end: a schedule that stops the hosts, its role',
    { students: ['ana', 'bo'], class: { endsAt: '2030-03-02T17:00:00Z' } },
  ],
  [
    'a class budget over the class',
    {
      class: {
        hours: 3,
        budget: { amount: 20, period: 'class', notify: 'prof@example.edu' },
      },
    },
  ],
  [
    'a monthly class budget in another currency, with no end',
    {
      class: {
        budget: { amount: 50, currency: 'EUR', period: 'monthly', notify: 'prof@example.edu' },
      },
    },
  ],
  ['the default stack (one host)', {}],
  ['a 30-student classroom', { students: thirty }],
  ['search enabled (OpenSearch, indexer Lambda)', { search: { enabled: true } }],
  [
    'search with reserved concurrency, on-demand streams',
    {
      search: { enabled: true, reservedConcurrency: 2 },
      stream: { mode: 'on-demand' },
    },
  ],
  [
    'a reader role per student for the Spark notebook (consumer)',
    {
      students: ['ana', 'bo'],
      consumer: {
        readerPrincipal: 'arn:aws:iam::210987654321:role/databricks-cluster',
      },
    },
  ],
];

const missing = () => [
  ...(which('terraform') ? [] : ['terraform is not on PATH']),
  ...(findProviderMirror() ? [] : [missingMirrorMessage()]),
];

describeWith(missing)('terraform validate with the real AWS provider (mirror)', () => {
  const base = mkdtempSync(join(tmpdir(), 'streamlab-validate-'));
  const timings: Record<string, number> = {};
  afterAll(() => {
    console.log(`validate timings (ms): ${JSON.stringify(timings)}`);
    rmSync(base, { recursive: true, force: true });
  });

  it.each(CASES)('%s is valid', async (name, overrides) => {
    const result = await validateStack(labConfig(overrides), join(base, name.replace(/\W+/g, '-')));
    timings[name] = result.ms;
    expect(result.diagnostics.filter((d) => d.startsWith('error'))).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('bites: without the runtime override, provider 5.x refuses nodejs24.x', async () => {
    const result = await validateStack(
      labConfig({ search: { enabled: true } }),
      join(base, 'no-runtime-override'),
      [pinProvider(MIRRORED_AWS_VERSION)],
    );
    expect(result.valid).toBe(false);
    expect(result.diagnostics.join('\n')).toMatch(/nodejs24\.x/);
  });
});
