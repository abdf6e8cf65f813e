/**
 * The one error a failed policy check raises: every violation, each with its rule id and
 * construct path, so the user fixes or waives them all in one pass. Free of cdktn imports
 * so the CLI can recognise it without loading the stack code.
 */
import { InputError } from '../../config/errors';
import { RULES } from './rules';
import type { PolicyReport } from './aspect';

/** Input the user must fix (the config, or a waiver), with exit status 1 as docs/aws-stack.md says. */
export class PolicyViolationError extends InputError {
  constructor(readonly report: PolicyReport) {
    const lines = report.violations.map(
      (v) => `${v.rule} ${v.path}: ${v.message} (${RULES[v.rule]})`,
    );
    super(
      [
        `policy check failed: ${report.violations.length} violation${report.violations.length === 1 ? '' : 's'}`,
        ...lines.map((l) => `  ${l}`),
        'Fix the config, or add a waiver under policy.waivers: { rule, resource: <construct path>, reason }.',
      ].join('\n'),
      { problems: lines, exitCode: 1 },
    );
    this.name = 'PolicyViolationError';
  }
}
