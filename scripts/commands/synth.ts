/**
 * `streamlab synth`: config → cdktf.out/stacks/<name>/cdk.tf.json, in-process (no
 * cdktn-cli), then a summary a person can check before `plan`: resources, hosts, the
 * policy outcome and an hourly cost estimate.
 */
import { relative } from 'node:path';
import type { SynthResult } from '../../stacks/main';
import { EXIT, withOutcome } from '../../config/errors';
import { RULES } from '../../stacks/policy/rules';
import { estimateHourlyCost, type BudgetComparison, type CostEstimate } from '../../stacks/pricing';

/**
 * Loads cdktn and the provider modules. tsx turns on source maps for every module it
 * loads; synth creates hundreds of objects whose stack traces nobody reads, so they are
 * off here unless STREAMLAB_DEBUG asks for readable traces (~0.1 s of CPU at startup).
 */
function loadStacks(): typeof import('../../stacks/main') {
  if (!process.env.STREAMLAB_DEBUG) process.setSourceMapsEnabled(false);
  return require('../../stacks/main') as typeof import('../../stacks/main');
}
import type { Command } from '../cli/command';
import { jsonOption, parseCommandLine } from '../cli/options';
import { classBudgetComparison, classTimes } from '../../labs/class/end-time';
import { asStep, lineReporter, memoryReporter } from '../../labs/progress';
import { ensureLabKeys } from '../../labs/setup/keys';
import { usage } from './help/synth';

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

function summary(
  result: SynthResult,
  cost: CostEstimate,
  region: string,
  budget?: BudgetComparison,
): string {
  const lines: string[] = [];
  const total = Object.values(result.resourcesByType).reduce((a, b) => a + b, 0);
  lines.push(`wrote ${relative(process.cwd(), result.file) || result.file}`);
  lines.push(`hosts (${result.hosts.length}): ${result.hosts.join(', ')}`);
  lines.push(`resources: ${total} (+ ${result.dataSources} data sources)`);
  const types = Object.entries(result.resourcesByType).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...types.map(([t]) => t.length));
  for (const [type, n] of types) lines.push(`  ${type.padEnd(width)}  ${n}`);
  const p = result.policy;
  lines.push(
    `policy: ${Object.keys(RULES).length} rules on ${p.checked} resources: 0 violations, ` +
      `${p.waived.length} waived, ${p.exemptions.length} built-in exemption${p.exemptions.length === 1 ? '' : 's'}`,
  );
  for (const w of p.waived) {
    lines.push(`  waived ${w.finding.rule} ${w.finding.path}: ${w.waiver.reason}`);
  }
  for (const e of p.exemptions) lines.push(`  exempt ${e.rule} ${e.path}: ${e.reason}`);
  for (const u of p.unused) {
    lines.push(`  warning: waiver ${u.rule} for ${u.resource} matches nothing (remove it?)`);
  }
  lines.push(
    `cost estimate: ~${usd(cost.hourly)}/hour (~${usd(cost.hourly * 730)}/month), ` +
      `us-east-1 on-demand list prices${region === 'us-east-1' ? '' : `; ${region} differs`}`,
  );
  for (const l of cost.lines) lines.push(`  ${l.item} × ${l.quantity}: ${usd(l.hourly)}/h`);
  for (const n of cost.notes) lines.push(`  ${n}`);
  if (budget) lines.push(budget.line);
  for (const n of result.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      { out: { type: 'string' } },
      { json: jsonOption },
    );
    const { json } = options;
    const config = ctx.config();
    await ensureLabKeys(config);
    // --json: stdout is the one JSON document and stderr stays quiet.
    const reporter = json ? memoryReporter() : lineReporter();
    const started = process.hrtime.bigint();
    const hosts = `${config.students.length} host${config.students.length === 1 ? '' : 's'}`;
    let result: SynthResult;
    try {
      result = await asStep(
        reporter,
        `synth ${config.name} (${hosts})`,
        () => {
          const { synthesize, DEFAULT_OUT_DIR } = loadStacks();
          return synthesize(config, values.out ?? DEFAULT_OUT_DIR, classTimes(config));
        },
        { oneLine: true },
      );
    } catch (e) {
      throw withOutcome(e, 'nothing was written');
    }
    const cost = estimateHourlyCost(config);
    const budget = classBudgetComparison(config, cost.hourly);
    if (json) {
      console.log(
        JSON.stringify(
          {
            ...result,
            cost,
            ...(budget ? { budget } : {}),
            elapsedSeconds: Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)),
          },
          null,
          2,
        ),
      );
    } else {
      console.log(summary(result, cost, config.region, budget));
    }
    return EXIT.ok;
  },
};
